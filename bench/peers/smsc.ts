/**
 * A carrier's SMSC for benchmarks, in its own process: accepts any bind, answers every submit_sm with the next id
 * (hex by default, as ../shared/bench/kannel/smsc.cjs does, or decimal with SMSC_IDS=dec) and, with `dlr`, sends
 * a text delivery receipt for each one that asks. The same program serves every contender, so rates compare.
 *
 *   node --import tsx bench/peers/smsc.ts PORT [dlr]
 *
 * Prints `listening <port>` once bound; SIGUSR2 starts the counts afresh (after a warm-up); on SIGTERM prints one
 * JSON line of counts and first/last submit times.
 */
import smpp from 'smpp';
import type { PDU, SubmitSm } from 'smpp';

const port = Number(process.argv[2] ?? 0);
const receipts = process.argv[3] === 'dlr';
const idOf = process.env.SMSC_IDS === 'dec' ? (n: number) => String(n) : (n: number) => n.toString(16);

let nextId = 1;
const fresh = () => ({ submits: 0, receiptsSent: 0, receiptsAcked: 0, firstSubmitAt: 0, lastSubmitAt: 0 });
let counts = fresh();

const server = smpp.createServer({}, (session) => {
  session.on('error', () => {});
  const bound = (pdu: PDU) => session.send(pdu.response({ system_id: 'bench-smsc' }));
  session.on('bind_transceiver', bound);
  session.on('bind_transmitter', bound);
  session.on('bind_receiver', bound);
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    session.send(pdu.response());
    session.close();
  });
  session.on('deliver_sm_resp', () => (counts.receiptsAcked += 1));
  session.on('submit_sm', (pdu: SubmitSm) => {
    const id = idOf(nextId++);
    session.send(pdu.response({ message_id: id }));
    const now = Date.now();
    if (counts.submits === 0) counts.firstSubmitAt = now;
    counts.lastSubmitAt = now;
    counts.submits += 1;
    if (!receipts || (pdu.registered_delivery & 1) === 0) return;
    counts.receiptsSent += 1;
    session.deliver_sm({
      source_addr: pdu.destination_addr,
      destination_addr: pdu.source_addr,
      esm_class: 4,
      data_coding: 0,
      short_message: Buffer.from(
        `id:${id} sub:001 dlvrd:001 submit date:2612051300 done date:2612051300 stat:DELIVRD err:000 text:x`,
        'ascii',
      ),
    });
  });
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
});

process.on('SIGUSR2', () => (counts = fresh()));
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  process.exit(0);
});
