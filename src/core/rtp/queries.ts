// Small read helpers over analysed RTP streams (per-call selection, SSRC text) shared by the CLI, export and ladder.
import type { RtpStreamInfo } from './stream';

/** Streams of call `callIndex` (CallInfo.index), in order of their first packet. */
export function streamsOfCall(streams: readonly RtpStreamInfo[], callIndex: number): RtpStreamInfo[] {
  return streams.filter((s) => s.callIndex === callIndex);
}

/** SSRC as tshark prints it: `0x` + 8 upper-case hex digits (`0x0EAF0EAF`). */
export function formatSsrc(ssrc: number): string {
  return `0x${(ssrc >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** One-line stream summary for ladders: `RTP PCMA 236 pkts, 0 lost` (`RTP PT96 ...` without a known codec). */
export function streamSummary(s: RtpStreamInfo): string {
  const codec = s.codec !== '' ? s.codec : s.codecs[0] ?? '?';
  return `RTP ${codec} ${s.packets} pkts, ${s.lost} lost`;
}
