// The packets of some known RTP streams (CaptureModel.streams entries) found again in one pass over a capture: the one
// matcher behind stream audio (audio.ts) and the per-packet stream series (stream-series.ts).
import type { ByteSource } from '../bytes/byte-source';
import { ProblemCollector } from '../capture/problems';
import { readCapture } from '../capture/read-capture';
import { PacketDecoder } from '../decode/packet-decoder';
import { IPPROTO_UDP, type NetPacket } from '../decode/types';
import { u32be } from '../bytes/cursor';
import { equalBytes } from '../util/bytes';
import { parseIp } from '../util/ip';
import { rtpHeaderLength, rtpPayloadEnd, type RtpStreamInfo } from './stream';

export interface StreamPacketOptions {
  /** Bytes per read from the source (readCapture's chunkSize). */
  chunkSize?: number;
  /**
   * Streams (by position in `streams`) whose packets may be SRTP (RFC 3711 §3.1): their padding is inside the
   * encrypted part, so it is neither checked nor removed here (`payloadEnd` is the end of the UDP payload, tag
   * included); the handler removes it after decryption (stream.ts rtpPayloadEnd).
   */
  encrypted?: (streamPos: number) => boolean;
  /** Polled between chunks: true stops reading. */
  isCancelled?: () => boolean;
}

/**
 * One packet of stream `streams[streamPos]`: `p` (views valid during the call only), its RTP header length
 * `headerLen` (RFC 3550 §5.1: 12 + CSRCs + extension, checked with rtpHeaderLength) and `payloadEnd`, the end of the
 * RTP payload in `p.buf` without padding (P bit: the last byte counts the padding), so the payload is
 * `p.buf[p.payloadStart + headerLen, payloadEnd)` and the padding `p.payloadEnd - payloadEnd` bytes (for an
 * `encrypted` stream, `payloadEnd` is the UDP payload's end).
 */
export type StreamPacketHandler = (streamPos: number, p: NetPacket, headerLen: number, payloadEnd: number) => void;

interface Target {
  pos: number;
  info: RtpStreamInfo;
  srcIp: Uint8Array;
  dstIp: Uint8Array;
}

/**
 * Call `onPacket` for every packet of `streams` in ONE pass over the capture in `source`, in capture order.
 *
 * A packet belongs to a stream when it is UDP with the stream's addresses, ports and SSRC, a valid RTP header
 * (RFC 3550 §5.1, `rtpHeaderLength`; a second byte of 192-223 is RTCP multiplexed on the RTP port, RFC 5761 §4) and a
 * frame within the stream's firstFrame..lastFrame. Reading stops after the last frame of interest (IP fragments before
 * a stream's first frame are not reassembled). Streams whose addresses do not parse get no packet. A packet goes to
 * the first stream given that matches it.
 *
 * Never throws on input: a non-capture gives no packet. Rejects only when the source's read does (or `onPacket` throws).
 */
export async function forEachStreamPacket(source: ByteSource, streams: readonly RtpStreamInfo[], onPacket: StreamPacketHandler, opts: StreamPacketOptions = {}): Promise<void> {
  // Streams by port pair, so a packet costs one map lookup; frame range of interest.
  const byPorts = new Map<number, Target[]>();
  let firstFrame = Infinity;
  let lastFrame = 0;
  streams.forEach((info, pos) => {
    const srcIp = parseIp(info.src);
    const dstIp = parseIp(info.dst);
    if (srcIp === undefined || dstIp === undefined) return;
    const key = info.srcPort * 65536 + info.dstPort;
    const t: Target = { pos, info, srcIp, dstIp };
    const list = byPorts.get(key);
    if (list) list.push(t);
    else byPorts.set(key, [t]);
    firstFrame = Math.min(firstFrame, info.firstFrame > 0 ? info.firstFrame : 1);
    lastFrame = Math.max(lastFrame, info.lastFrame > 0 ? info.lastFrame : Infinity);
  });
  if (byPorts.size === 0) return;

  const onDecoded = (p: NetPacket): void => {
    if (p.protocol !== IPPROTO_UDP) return;
    const list = byPorts.get(p.srcPort * 65536 + p.dstPort);
    if (list === undefined) return;
    const b = p.buf;
    const s = p.payloadStart;
    const e = p.payloadEnd;
    if (e - s < 12) return;
    const b1 = b[s + 1]!;
    if (b1 >= 192 && b1 <= 223) return; // RTCP multiplexed on the RTP port (RFC 5761 §4)
    const ssrc = u32be(b, s + 8);
    for (const t of list) {
      const info = t.info;
      if (info.ssrc >>> 0 !== ssrc) continue;
      if ((info.firstFrame > 0 && p.frame < info.firstFrame) || (info.lastFrame > 0 && p.frame > info.lastFrame)) continue;
      if (!equalBytes(p.srcIp, t.srcIp) || !equalBytes(p.dstIp, t.dstIp)) continue;
      // The header, then the padding (rtpHeaderLength's own padding check, once; not for SRTP, see `encrypted`).
      const h = rtpHeaderLength(b, s, e, false);
      if (h < 0) return;
      const pe = opts.encrypted?.(t.pos) === true ? e : rtpPayloadEnd(b, s, h, e);
      if (pe < 0) return;
      onPacket(t.pos, p, h, pe);
      return;
    }
  };

  const decoder = new PacketDecoder(new ProblemCollector());
  let frame = 0;
  await readCapture(
    source,
    (rec) => {
      frame = rec.frame;
      if (rec.frame >= firstFrame && rec.frame <= lastFrame) decoder.decode(rec, onDecoded);
    },
    {
      chunkSize: opts.chunkSize,
      isCancelled: () => frame > lastFrame || opts.isCancelled?.() === true,
    },
  );
}
