/**
 * Types for node-smpp 0.5.1 (`smpp`), which ships none. Only what Switchboard uses is declared.
 *
 * The package is CommonJS and fills most of its exports in loops, so Node's ESM loader cannot see
 * them as named exports: always `import smpp from 'smpp'` and reach everything through `smpp.`.
 *
 * Message bodies (`short_message`, `message_payload`) are typed as raw Buffers. That is only true
 * after `useRawMessageBytes()` from connection.ts has run: out of the box the package decodes them
 * into `{ udh, message: string }` with its own (lossy) charset tables.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    type ResponseCallback<R extends PDU = PDU> = (pdu: R) => void;

    /** Every decoded PDU. Unknown TLVs appear under their numeric tag as Buffers. */
    interface PDU {
      command: string;
      command_id: number;
      command_length: number;
      command_status: number;
      sequence_number: number;
      isResponse(): boolean;
      /** The matching `_resp` (or a generic_nack with ESME_RINVCMDID when `command` is 'unknown'). */
      response(options?: object): PDU;
      toBuffer(): Buffer;
      [field: string]: unknown;
    }

    interface BindOptions {
      system_id: string;
      password: string;
      system_type?: string;
      /** The package defaults to 0x50 (SMPP 5.0); set 0x34 to announce SMPP 3.4. */
      interface_version?: number;
      addr_ton?: number;
      addr_npi?: number;
      address_range?: string;
    }

    interface BindPdu extends PDU, Required<Pick<BindOptions, 'system_id' | 'password'>> {
      command: 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';
      system_type: string;
      interface_version: number;
    }

    interface BindResp extends PDU {
      system_id?: string;
    }

    interface SmTlvs {
      receipted_message_id?: string;
      message_state?: number;
      network_error_code?: Buffer;
      message_payload?: Buffer;
      sar_msg_ref_num?: number;
      sar_total_segments?: number;
      sar_segment_seqnum?: number;
      user_message_reference?: number;
      source_port?: number;
      dest_port?: number;
    }

    interface SmFields extends SmTlvs {
      service_type?: string;
      source_addr_ton?: number;
      source_addr_npi?: number;
      source_addr?: string;
      dest_addr_ton?: number;
      dest_addr_npi?: number;
      destination_addr?: string;
      esm_class?: number;
      protocol_id?: number;
      priority_flag?: number;
      registered_delivery?: number;
      /** Always set it: left null, the package guesses and sends GSM text as data_coding 1. */
      data_coding?: number;
      /** At most 254 octets; longer bodies go in message_payload. */
      short_message?: Buffer;
    }

    interface SubmitSm extends PDU, SmTlvs {
      command: 'submit_sm';
      service_type: string;
      source_addr_ton: number;
      source_addr_npi: number;
      source_addr: string;
      dest_addr_ton: number;
      dest_addr_npi: number;
      destination_addr: string;
      esm_class: number;
      registered_delivery: number;
      data_coding: number;
      short_message: Buffer;
    }

    interface SubmitSmResp extends PDU {
      message_id?: string;
    }

    /** A mobile-originated message or a delivery receipt (esm_class bit 0x04). */
    interface DeliverSm extends PDU, SmTlvs {
      command: 'deliver_sm';
      service_type: string;
      source_addr_ton: number;
      source_addr_npi: number;
      source_addr: string;
      dest_addr_ton: number;
      dest_addr_npi: number;
      destination_addr: string;
      esm_class: number;
      protocol_id: number;
      priority_flag: number;
      registered_delivery: number;
      data_coding: number;
      short_message: Buffer;
    }

    interface Session extends EventEmitter {
      readonly socket: Socket;
      sequence: number;
      paused: boolean;
      /**
       * Writes a PDU, numbering requests. Returns false (and never calls back) when the socket is not
       * writable. Ignores backpressure. A generic_nack with a request's sequence number reaches that
       * request's responseCallback. Callbacks of requests still unanswered when the socket closes are
       * never called.
       */
      send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
      bind_transceiver(options: BindOptions, responseCallback?: ResponseCallback<BindResp>): boolean;
      bind_transmitter(options: BindOptions, responseCallback?: ResponseCallback<BindResp>): boolean;
      bind_receiver(options: BindOptions, responseCallback?: ResponseCallback<BindResp>): boolean;
      submit_sm(options: SmFields, responseCallback?: ResponseCallback<SubmitSmResp>): boolean;
      deliver_sm(options: SmFields, responseCallback?: ResponseCallback): boolean;
      enquire_link(options?: Record<string, never>, responseCallback?: ResponseCallback): boolean;
      unbind(options?: Record<string, never>, responseCallback?: ResponseCallback): boolean;
      generic_nack(options: { sequence_number: number; command_status: number }): boolean;
      /** Ends the socket gracefully (pending writes are flushed). */
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      /** Stops parsing incoming PDUs until resume(). */
      pause(): void;
      resume(): void;

      on(event: 'connect' | 'secureConnect' | 'close', listener: () => void): this;
      on(event: 'error', listener: (error: Error) => void): this;
      on(event: 'send', listener: (pdu: PDU) => void): this;
      /** Every incoming PDU, before its command-named event and before any response callback. */
      on(event: 'pdu', listener: (pdu: PDU) => void): this;
      on(event: 'deliver_sm', listener: (pdu: DeliverSm) => void): this;
      on(event: 'submit_sm', listener: (pdu: SubmitSm) => void): this;
      on(event: 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver', listener: (pdu: BindPdu) => void): this;
      on(event: string, listener: (pdu: PDU) => void): this;
      once(event: 'connect' | 'secureConnect' | 'close', listener: () => void): this;
      once(event: 'error', listener: (error: Error) => void): this;
      once(event: string, listener: (pdu: PDU) => void): this;
    }

    interface Server extends NetServer {
      readonly sessions: Session[];
      on(event: 'session', listener: (session: Session) => void): this;
      // As Node's own EventEmitter typings: a listener takes whatever its event carries.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      on(event: string, listener: (...args: any[]) => void): this;
    }

    interface ConnectOptions {
      host: string;
      port: number;
      tls?: boolean;
      /** Passed through to net.connect / tls.connect. */
      [option: string]: unknown;
    }

    interface ParamDef {
      type: unknown;
      default?: unknown;
      filter?: unknown;
    }

    interface CommandDef {
      id: number;
      command: string;
      params?: Record<string, ParamDef>;
      tlvMap?: Record<string, string>;
    }

    interface TlvDef {
      id: number;
      type: unknown;
      tag: string;
      filter?: unknown;
      multiple?: boolean;
    }

    interface PduConstructor {
      new (command: string, options?: object): PDU;
      maxLength: number;
    }
  }

  interface SmppModule {
    connect(options: smpp.ConnectOptions, listener?: () => void): smpp.Session;
    createServer(options?: Record<string, unknown>, listener?: (session: smpp.Session) => void): smpp.Server;
    /** Replaces a command definition in the package's global tables. */
    addCommand(command: string, options: Omit<smpp.CommandDef, 'command'>): void;
    /** Replaces a TLV definition in the package's global tables. */
    addTLV(tag: string, options: Omit<smpp.TlvDef, 'tag'>): void;
    readonly PDU: smpp.PduConstructor;
    readonly commands: Record<string, smpp.CommandDef>;
    readonly tlvs: Record<string, smpp.TlvDef>;

    readonly ESME_ROK: 0x00;
    readonly ESME_RINVMSGLEN: 0x01;
    readonly ESME_RINVCMDLEN: 0x02;
    readonly ESME_RINVCMDID: 0x03;
    readonly ESME_RINVBNDSTS: 0x04;
    readonly ESME_RALYBND: 0x05;
    readonly ESME_RSYSERR: 0x08;
    readonly ESME_RINVSRCADR: 0x0a;
    readonly ESME_RINVDSTADR: 0x0b;
    readonly ESME_RINVMSGID: 0x0c;
    readonly ESME_RBINDFAIL: 0x0d;
    readonly ESME_RINVPASWD: 0x0e;
    readonly ESME_RINVSYSID: 0x0f;
    readonly ESME_RMSGQFUL: 0x14;
    readonly ESME_RINVSERTYP: 0x15;
    readonly ESME_RINVESMCLASS: 0x43;
    readonly ESME_RSUBMITFAIL: 0x45;
    readonly ESME_RINVSRCTON: 0x48;
    readonly ESME_RINVSRCNPI: 0x49;
    readonly ESME_RINVDSTTON: 0x50;
    readonly ESME_RINVDSTNPI: 0x51;
    readonly ESME_RTHROTTLED: 0x58;
    readonly ESME_RX_T_APPN: 0x64;
    readonly ESME_RX_P_APPN: 0x65;
    readonly ESME_RX_R_APPN: 0x66;
    readonly ESME_RINVTLVSTREAM: 0xc0;
    readonly ESME_RUNKNOWNERR: 0xff;
  }

  const smpp: SmppModule;
  export = smpp;
}
