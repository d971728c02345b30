/**
 * A carrier's SMSC that texts in, for benchmarks, in its own process. Once the server has bound (as a receiver),
 * each line `burst RATE COUNT` on stdin delivers COUNT texts at RATE per second, paced by the clock (a late tick
 * catches up rather than slowing the rate), from CONTACTS customers in turn (text i from customer i % CONTACTS).
 * Text i carries `bench-mo-<i>-z`; numbering continues across bursts.
 *
 *   node --import tsx bench/peers/mo-smsc.ts PORT CONTACTS TO
 *
 * Prints `listening <port>`, then `bound`; when a burst's texts are all answered, one JSON line: per text the send
 * time (process.hrtime in ns: the same clock in every process on this machine) and how long its deliver_sm_resp
 * took, and how many answers were refusals.
 */
import smpp from 'smpp';
import type { PDU, Session } from 'smpp';

const [port, contacts] = process.argv.slice(2, 4).map(Number) as [number, number];
const to = process.argv[4]!.replace(/^\+/, '');

let receiver: Session | null = null;
let nextText = 0;

const server = smpp.createServer({}, (session) => {
  session.on('error', () => {});
  const bound = (pdu: PDU) => {
    session.send(pdu.response({ system_id: 'bench-smsc' }));
    if (pdu.command !== 'bind_transmitter' && !receiver) {
      receiver = session;
      process.stdout.write('bound\n');
    }
  };
  session.on('bind_transceiver', bound);
  session.on('bind_transmitter', bound);
  session.on('bind_receiver', bound);
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('submit_sm', (pdu) => session.send(pdu.response({ message_id: String(Date.now()) })));
  session.on('unbind', (pdu) => {
    session.send(pdu.response());
    session.close();
  });
});

/** What the SMSC reports of a burst (the JSON line): the first text's number, and per text when it was sent and answered. */
export interface Burst {
  first: number;
  sentAt: string[];
  respMs: number[];
  refused: number;
  answered: number;
}

function deliver(burst: Burst, count: number, fresh: boolean): void {
  const i = nextText++;
  const k = i - burst.first;
  const t0 = process.hrtime.bigint();
  burst.sentAt[k] = String(t0);
  receiver!.deliver_sm(
    {
      source_addr: fresh ? `1556${String(i).padStart(7, '0')}` : `1555700${String(i % contacts).padStart(4, '0')}`,
      source_addr_ton: 1,
      source_addr_npi: 1,
      destination_addr: to,
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      esm_class: 0,
      data_coding: 0,
      short_message: Buffer.from(`Hello, bench-mo-${i}-z here`, 'ascii'),
    },
    (resp) => {
      burst.respMs[k] = Number(process.hrtime.bigint() - t0) / 1e6;
      if (resp.command_status !== 0) burst.refused += 1;
      if (++burst.answered === count) process.stdout.write(`${JSON.stringify(burst)}\n`);
    },
  );
}

function startBurst(rate: number, count: number, fresh: boolean): void {
  if (!receiver) throw new Error('nobody bound');
  const burst: Burst = { first: nextText, sentAt: [], respMs: [], refused: 0, answered: 0 };
  const start = process.hrtime.bigint();
  let sent = 0;
  const tick = setInterval(() => {
    const due = Math.min(count, Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate) + 1);
    for (; sent < due; sent++) deliver(burst, count, fresh);
    if (sent >= count) clearInterval(tick);
  }, 2);
}

let input = '';
process.stdin.on('data', (d: Buffer) => {
  input += d.toString();
  for (let nl = input.indexOf('\n'); nl >= 0; nl = input.indexOf('\n')) {
    const [command, rate, count, who] = input.slice(0, nl).split(' ');
    input = input.slice(nl + 1);
    if (command === 'burst') startBurst(Number(rate), Number(count), who === 'new');
  }
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
});

process.on('SIGTERM', () => process.exit(0));
