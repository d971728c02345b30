import type { Logger } from 'pino';
import { SANDBOX } from '../config/sandbox.ts';
import { createSimulator } from '../channels/smpp/simulator.ts';

/** `switchboard sandbox`: the test SMSC on its own, until SIGTERM/SIGINT. */
export async function runSandbox(port: number, log: Logger): Promise<void> {
  const simulator = createSimulator({
    port,
    host: '127.0.0.1',
    systemId: SANDBOX.systemId,
    password: SANDBOX.password,
    receipts: 'text',
    receiptDelayMs: 300,
    log,
  });
  await simulator.start();
  log.info(
    { host: '127.0.0.1', port: simulator.port, system_id: SANDBOX.systemId, password: SANDBOX.password },
    'sandbox SMSC listening',
  );
  simulator.on('submit', (m) =>
    log.info({ from: m.sourceAddr, to: m.destAddr, id: m.messageId }, 'submit_sm received'),
  );
  const stop = async () => {
    await simulator.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}
