// The one-thread hand-off of the import front: each message's facts go straight to a CallModelBuilder, without the
// FactBatch encoding that a thread boundary needs (fact-batch.ts). Same call indexes (CallIdIndex, as FactBatchWriter
// assigns them) and the same branch/tag values: plain ASCII ones as byte ranges of the message, others as the facts'
// strings, which the builder encodes (the batch path sends those as strings too). The model is the same as through
// batches: test/cli/threaded-import.test.ts compares the two on every sample and corpus capture.
import type { SipPayload } from '../decode/types';
import type { CallModelBuilder, FactValues, MessageSighting, SipFacts } from '../dialog/reconstruct';
import { FastFacts } from '../sip/fast-facts';
import { CallIdIndex } from './fact-batch';

/** Where the import front hands each message: FactBatchWriter (batches, any thread) or BuilderSink (same thread). */
export interface FactSink {
  /** Number of messages added so far (= the message id the next one gets in CallModelBuilder). */
  readonly messages: number;
  /** Add one message; returns its call index (-1 without a Call-ID). `p.bytes` is valid during the call only. */
  add(p: SipPayload, f: SipFacts): number;
  /** Hand over what is pending (end of a chunk, end of the capture). */
  flush(): void;
}

/** True when b[s, e) is absent or empty (-1 / e <= s) or plain ASCII. */
function asciiOrAbsent(b: Uint8Array, s: number, e: number): boolean {
  let any = 0;
  for (let i = s; i < e; i++) any |= b[i] as number;
  return any < 0x80;
}

/** Feeds a CallModelBuilder directly (one thread). */
export class BuilderSink implements FactSink {
  messages = 0;
  private readonly calls = new CallIdIndex();
  private readonly seen: MessageSighting = {
    frame: 0, firstFrame: 0, timeSec: 0, timeNsec: 0, ipVersion: 4, src: '', srcPort: 0, dst: '', dstPort: 0,
    transport: 'UDP', truncated: false, location: { fileOffset: 0, length: 0 },
  };
  private readonly inFile = { fileOffset: 0, length: 0 };
  private readonly values: FactValues = { bytes: new Uint8Array(0), branchStart: -1, branchEnd: -1, fromTagStart: -1, fromTagEnd: -1, toTagStart: -1, toTagEnd: -1 };

  constructor(private readonly builder: CallModelBuilder) {}

  add(p: SipPayload, f: SipFacts): number {
    const fast = f instanceof FastFacts ? f : undefined;
    const call = this.calls.of(f, fast);
    // A known call: its Call-ID string is the one the call keeps (the builder's check then compares references).
    if (fast !== undefined && call >= 0 && !this.calls.isNew) {
      const known = this.builder.calls[call];
      if (known !== undefined) fast.knownCallId(known.callId);
    }
    const seen = this.seen;
    seen.frame = p.frame;
    seen.firstFrame = p.firstFrame;
    seen.timeSec = p.timeSec;
    seen.timeNsec = p.timeNsec;
    seen.ipVersion = p.ipVersion;
    seen.src = p.src;
    seen.srcPort = p.srcPort;
    seen.dst = p.dst;
    seen.dstPort = p.dstPort;
    seen.transport = p.transport;
    seen.truncated = p.truncated;
    if (p.fileOffset >= 0) {
      this.inFile.fileOffset = p.fileOffset;
      this.inFile.length = fast !== undefined ? fast.messageLength : p.bytes.length;
      seen.location = this.inFile;
    } else seen.location = { bytes: p.bytes.slice() }; // reassembled: the store keeps its own copy
    this.builder.add(seen, f, call, fast !== undefined ? this.rangesOf(fast) : undefined);
    this.messages++;
    return call;
  }

  flush(): void {}

  /** The branch and tags of `f` as ranges of its bytes when all are plain ASCII (else undefined: strings). */
  private rangesOf(f: FastFacts): FactValues | undefined {
    const b = f.bytes;
    if (!asciiOrAbsent(b, f.branchStart, f.branchEnd) || !asciiOrAbsent(b, f.fromTagStart, f.fromTagEnd) || !asciiOrAbsent(b, f.toTagStart, f.toTagEnd)) return undefined;
    const v = this.values;
    v.bytes = b;
    const present = (s: number, e: number) => s >= 0 && e > s;
    v.branchStart = present(f.branchStart, f.branchEnd) ? f.branchStart : -1;
    v.branchEnd = f.branchEnd;
    v.fromTagStart = present(f.fromTagStart, f.fromTagEnd) ? f.fromTagStart : -1;
    v.fromTagEnd = f.fromTagEnd;
    v.toTagStart = present(f.toTagStart, f.toTagEnd) ? f.toTagStart : -1;
    v.toTagEnd = f.toTagEnd;
    return v;
  }
}
