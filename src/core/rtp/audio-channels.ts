// What each channel of a decoded-audio WAV holds, as one line (capture editor player, exported HTML): pure, no
// imports, so the webview bundle can use it without the decoders.

/** One stream of a decoded WAV (StreamsWavEntry, or the webview's StreamAudioResult entry). */
export interface AudioChannelEntry {
  streamIndex: number;
  codec: string;
  /** 1-based WAV channel, 0 when the stream is not in the file. */
  channel: number;
  reason: string | undefined;
  lostPackets: number;
  truncated: boolean;
  /** Decrypted SRTP (any truthy value). */
  srtp?: unknown;
}

/**
 * `left: stream 1 (PCMA); right: stream 2 (PCMA, SRTP decrypted, 3 lost: silence)` for the decoded streams (left and
 * right for two channels, `channel N` otherwise; stream numbers 1-based, `shown`: the stream called "this stream"),
 * then `. Skipped stream 3: <reason>` for the others.
 */
export function audioChannelSummary(entries: readonly AudioChannelEntry[], shown = -1): string {
  const decoded = entries.filter((x) => x.channel > 0);
  const channels = new Set(decoded.map((x) => x.channel)).size;
  const parts = decoded.map((x) => {
    const name = channels === 2 ? (x.channel === 1 ? 'left' : 'right') : `channel ${x.channel}`;
    const what = x.streamIndex === shown ? 'this stream' : `stream ${x.streamIndex + 1}`;
    const notes = [x.codec, x.srtp ? 'SRTP decrypted' : '', x.lostPackets ? `${x.lostPackets} lost: silence` : '', x.truncated ? 'cut (one hour per stream, two hours per call)' : ''].filter((n) => n !== '');
    return `${name}: ${what} (${notes.join(', ')})`;
  });
  const skipped = entries.filter((x) => x.channel === 0).map((x) => `stream ${x.streamIndex + 1}: ${x.reason ?? 'not decoded'}`);
  return `${parts.join('; ')}${skipped.length ? `. Skipped ${skipped.join('; ')}` : ''}`;
}

/** An SDP transport profile of SRTP (RFC 3711 RTP/SAVP, RFC 5124 RTP/SAVPF, RFC 5764 UDP/TLS/RTP/SAVP(F)). */
export function isSrtpProfile(proto: string): boolean {
  return /SAVP/i.test(proto);
}
