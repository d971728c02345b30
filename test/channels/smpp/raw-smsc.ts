/**
 * An SMSC on a plain `net` server that reads and writes SMPP octet by octet, for what a well-behaved peer never
 * sends. It binds anyone, answers enquire_link, records the header of every PDU it reads, and writes whatever
 * octets a test gives it. It shares no code with the `smpp` package on purpose: the package is what is under test.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

export const GENERIC_NACK = 0x80000000;
export const ENQUIRE_LINK = 0x00000015;
export const DELIVER_SM = 0x00000005;
export const DELIVER_SM_RESP = 0x80000005;
const BIND_COMMANDS = new Set([0x00000001, 0x00000002, 0x00000009]);
const RESPONSE = 0x80000000;

export interface ReadPdu {
  /** Which accepted socket it came on, from 0. */
  socket: number;
  commandId: number;
  status: number;
  sequence: number;
}

export interface RawSmsc {
  port: number;
  /** Every PDU read, in order. */
  read: ReadPdu[];
  binds(): number;
  /** Writes octets as they are on the newest socket. */
  write(octets: Buffer): void;
  /** Writes a deliver_sm of plain GSM text on the newest socket; returns its sequence number. */
  deliverSm(from: string, to: string, text: string): number;
}

/** A PDU's 16-octet header, cut to `octets` (a length under 16 comes with only that much of it). */
export function header(commandLength: number, commandId: number, sequence: number, octets = 16): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeUInt32BE(commandLength, 0);
  buffer.writeUInt32BE(commandId, 4);
  buffer.writeUInt32BE(sequence, 12);
  return buffer.subarray(0, octets);
}

function pduOf(commandId: number, sequence: number, body: Buffer, status = 0): Buffer {
  const head = header(16 + body.length, commandId, sequence);
  head.writeUInt32BE(status, 8);
  return Buffer.concat([head, body]);
}

const cString = (text: string) => Buffer.from(`${text}\0`, 'latin1');

export async function rawSmsc(t: TestContext): Promise<RawSmsc> {
  const read: ReadPdu[] = [];
  const sockets: Socket[] = [];
  let sequence = 1000;

  const server = createServer((socket) => {
    const index = sockets.push(socket) - 1;
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.length >= pending.readUInt32BE(0)) {
        const length = Math.max(16, pending.readUInt32BE(0));
        const pdu = {
          socket: index,
          commandId: pending.readUInt32BE(4),
          status: pending.readUInt32BE(8),
          sequence: pending.readUInt32BE(12),
        };
        pending = pending.subarray(length);
        read.push(pdu);
        if (BIND_COMMANDS.has(pdu.commandId))
          socket.write(pduOf(pdu.commandId + RESPONSE, pdu.sequence, cString('raw')));
        if (pdu.commandId === ENQUIRE_LINK) socket.write(pduOf(ENQUIRE_LINK + RESPONSE, pdu.sequence, Buffer.alloc(0)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const newest = (): Socket => {
    const socket = sockets[sockets.length - 1];
    if (!socket) throw new Error('nobody connected to the raw SMSC');
    return socket;
  };

  return {
    port: (server.address() as AddressInfo).port,
    read,
    binds: () => read.filter((pdu) => BIND_COMMANDS.has(pdu.commandId)).length,
    write: (octets) => void newest().write(octets),
    deliverSm(from, to, text) {
      sequence += 1;
      const body = Buffer.concat([
        cString(''), // service_type
        Buffer.from([1, 1]),
        cString(from),
        Buffer.from([1, 1]),
        cString(to),
        Buffer.from([0, 0, 0]), // esm_class, protocol_id, priority_flag
        cString(''), // schedule_delivery_time
        cString(''), // validity_period
        Buffer.from([0, 0, 0, 0, text.length]), // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id, sm_length
        Buffer.from(text, 'latin1'),
      ]);
      newest().write(pduOf(DELIVER_SM, sequence, body));
      return sequence;
    },
  };
}
