// Types exchanged between the packet decoder (link/IP/L4), the transport assemblers (TCP, WebSocket, SCTP)
// and SIP framing. Views into capture buffers are only valid during the callback that receives them.

/** IP protocol numbers the decoder hands on. */
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/**
 * A transport-layer packet after link/IP decoding, tunnel removal and IP defragmentation.
 * For SCTP, one NetPacket is emitted per complete DATA user message (fragments joined by the decoder),
 * with `payload` = user data.
 */
export interface NetPacket {
  /** 1-based record number that produced (or, for reassembled datagrams, completed) this packet. */
  frame: number;
  /**
   * 1-based record number of its first byte: `frame`, except for an IP datagram reassembled from fragments (the
   * record of the fragment that came first) and a fragmented SCTP user message (the record of its first fragment).
   */
  firstFrame: number;
  timeSec: number;
  timeNsec: number;
  ipVersion: 4 | 6;
  /** Innermost IP source/destination address bytes (4 or 16). Views: copy to keep. */
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  /** IPPROTO_TCP | IPPROTO_UDP | IPPROTO_SCTP */
  protocol: number;
  srcPort: number;
  dstPort: number;
  /**
   * L4 payload (UDP data / TCP segment data / SCTP user message). View: copy to keep. The decoder creates it
   * lazily: layers that only need a byte or two (RTP rejection) read `buf[payloadStart]` instead.
   */
  readonly payload: Uint8Array;
  /** The bytes the payload lies in, and its range there: payload = buf.subarray(payloadStart, payloadEnd). */
  buf: Uint8Array;
  payloadStart: number;
  payloadEnd: number;
  /** Absolute file offset of payload[0] when payload is one contiguous run of file bytes, else -1 (reassembled). */
  payloadFileOffset: number;
  /** TCP only: sequence number of payload[0] (uint32), ack number and the flags byte (FIN=1 SYN=2 RST=4 PSH=8 ACK=16). */
  tcpSeq: number;
  tcpAck: number;
  tcpFlags: number;
  /** SCTP only: stream identifier and payload protocol identifier (PPID; 0 or 46/47... for SIP use content). */
  sctpStream: number;
  sctpPpid: number;
}

export type SipTransport = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS' | 'SCTP';

/** One complete SIP message (or candidate) cut out of a transport, ready for parseSipMessage. */
export interface SipPayload {
  /** 1-based record number that completed the message (for TCP/WS: the record that delivered its last byte, as tshark reports). */
  frame: number;
  /** 1-based record number that delivered the first byte (== frame for UDP). */
  firstFrame: number;
  timeSec: number;
  timeNsec: number;
  ipVersion: 4 | 6;
  /** Textual addresses: dotted quad for IPv4, RFC 5952 compressed form for IPv6 (as tshark prints them). */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  transport: SipTransport;
  /** Exactly one SIP message: start line through end of body (Content-Length bytes). View: copy to keep. */
  bytes: Uint8Array;
  /** Absolute file offset of bytes[0] when contiguous in the file, else -1. */
  fileOffset: number;
  /** True when the stream/datagram ended before Content-Length bytes of body arrived. */
  truncated: boolean;
  /**
   * Set when TransportAssemblerOptions.scanUnit framed this message: what the hook returned for it (the import front
   * keeps the SIP facts it scanned while framing, so the message is not scanned twice). Opaque to the decode layer.
   */
  prescan?: FramedUnit;
}

/** Result of a caller-supplied framer of datagram units (TransportAssemblerOptions.scanUnit). */
export interface FramedUnit {
  /** Index in the buffer the framer was given where the message ends (as frameSipDatagram's `end`). */
  messageEnd: number;
}
