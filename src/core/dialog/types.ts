// The RFC 3261 model of a capture as seen by a passive observer: messages -> transactions (§17) -> dialogs (§12)
// -> calls (dialogs and stray transactions grouped by Call-ID). Plain data, shared by the CLI, the webview
// protocol and the rules.
import type { SipTransport } from '../decode/types';

/** Call outcome, from the INVITE transactions and BYE/CANCEL seen (non-INVITE "calls" use the same words). */
export type CallState =
  | 'setup' //      request sent, no provisional/final response yet
  | 'ringing' //    1xx other than 100 seen (180/183), no final response
  | 'answered' //   2xx to INVITE, no BYE yet
  | 'completed' //  BYE answered (or sent) after answer; non-INVITE: 2xx final
  | 'cancelled' //  CANCEL / 487 Request Terminated
  | 'busy' //       486 Busy Here / 600 Busy Everywhere
  | 'rejected' //   other 3xx-6xx final (403, 404, 488, 603, ...), after any auth challenge retry
  | 'failed'; //    5xx, 408, or a request never answered (timeout)

/** A SIP message as indexed (numbers and short strings only; full text is re-read on demand). */
export interface MessageInfo {
  /** 0-based message id, in the order messages completed in the capture. */
  id: number;
  /** 1-based capture record number that completed the message (tshark's frame.number). */
  frame: number;
  /** Record that delivered the first byte (== frame for UDP). */
  firstFrame: number;
  timeSec: number;
  timeNsec: number;
  ipVersion: 4 | 6;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  transport: SipTransport;
  kind: 'request' | 'response' | 'invalid';
  /** Request method; undefined for responses. */
  method: string | undefined;
  statusCode: number | undefined;
  reason: string | undefined;
  cseqSeq: number | undefined;
  cseqMethod: string | undefined;
  /** Short arrow label: `INVITE`, `180 Ringing`, `200 OK`. */
  label: string;
  hasSdp: boolean;
  /** Same message seen again in the same direction (RFC 3261 §17 retransmission), not a new request/response. */
  retransmission: boolean;
  /** Body shorter than Content-Length (capture ended / datagram cut). */
  truncated: boolean;
  /** Number of parse problems found in the message. */
  problemCount: number;
  /** Index into CaptureModel.calls, or -1 when the message has no Call-ID. */
  callIndex: number;
  /** Index into CaptureModel.transactions, or -1. */
  transactionIndex: number;
  /** Index into CaptureModel.dialogs, or -1 (out-of-dialog request without to-tag response, e.g. OPTIONS). */
  dialogIndex: number;
}

/** Client/server transaction pair as seen on the wire (RFC 3261 §17.1.3 / §17.2.3 matching). */
export interface TransactionInfo {
  index: number;
  callIndex: number;
  /** Top Via branch (RFC 3261 magic cookie `z9hG4bK` or an RFC 2543 value), '' when absent. */
  branch: string;
  /** Method of the request (`INVITE`, `BYE`; ACK for a 2xx is its own transaction). */
  method: string;
  cseqSeq: number;
  /** Number of messages (requests incl. retransmissions, and responses); ids via transactionMessageIds(). */
  messageCount: number;
  /** First final status code seen, or undefined. */
  finalStatus: number | undefined;
  /** True when matched with the RFC 2543 fallback (no magic cookie). */
  rfc2543: boolean;
}

export type DialogState = 'early' | 'confirmed' | 'terminated';

/** A dialog (RFC 3261 §12): Call-ID + UAC (From) tag + UAS (To) tag. */
export interface DialogInfo {
  index: number;
  callIndex: number;
  callId: string;
  /** From tag of the dialog-creating request (the UAC's local tag). */
  fromTag: string;
  /** To tag set by the UAS (different to-tags under one request = forking, RFC 3261 §12.1.2 / §13.2.2.4). */
  toTag: string;
  state: DialogState;
  /** Method of the request that created the dialog (INVITE, SUBSCRIBE, REFER, NOTIFY...). */
  method: string;
  /** Number of messages with this dialog index; ids via dialogMessageIds(). */
  messageCount: number;
}

/** All dialogs and transactions sharing one Call-ID. */
export interface CallInfo {
  index: number;
  callId: string;
  /** Method of the first request seen (INVITE, REGISTER, OPTIONS, SUBSCRIBE, MESSAGE, ...). */
  method: string;
  state: CallState;
  /** From / To URIs of the first request (as written) and their display names. */
  fromUri: string;
  toUri: string;
  fromDisplay: string | undefined;
  toDisplay: string | undefined;
  /** Time of the first and last message. */
  startSec: number;
  startNsec: number;
  endSec: number;
  endNsec: number;
  /** Seconds from the first 2xx to INVITE to the end of the call (BYE or last message); undefined when never answered. */
  durationSec: number | undefined;
  /** Seconds from the first INVITE to its first 180/183 (post-dial delay) / to its 2xx; undefined if not seen. */
  ringDelaySec: number | undefined;
  answerDelaySec: number | undefined;
  /** Final status of the last INVITE (or of the initial request for non-INVITE), if any. */
  finalStatus: number | undefined;
  /**
   * Ids of the call's messages, its dialogs and transactions, in the order added (do not modify: the builder's
   * calls build these on first use and share them until the call grows).
   */
  readonly messageIds: readonly number[];
  readonly dialogIndexes: readonly number[];
  readonly transactionIndexes: readonly number[];
  /** Count of messages flagged as retransmissions. */
  retransmissions: number;
}
