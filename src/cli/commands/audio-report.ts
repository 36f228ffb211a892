// What `sipscope audio` (and `ladder --audio`) say about a decoded WAV file: the file, then which stream each channel
// holds (addresses, codec, SRTP, packets, loss) and which streams could not be decoded and why.
import type { CaptureModel, StreamsWav } from '../../core/index';

/** What `audio` tells on standard error: the file, then which stream each channel holds and what was skipped. */
export function audioReport(model: CaptureModel, r: StreamsWav, out: string): string[] {
  const lines = [`sipscope: wrote ${r.durationSec.toFixed(1)} s of ${r.sampleRate} Hz audio, ${r.channels} channel${r.channels === 1 ? '' : 's'}, to ${out}`];
  for (const x of r.streams) {
    const st = model.streams[x.streamIndex]!;
    const what = `stream ${x.streamIndex + 1} (call ${st.callIndex >= 0 ? st.callIndex + 1 : '-'}), ${endpoint(st.src, st.srcPort)} -> ${endpoint(st.dst, st.dstPort)}, ${x.codec || '?'}`;
    if (x.channel === 0) lines.push(`  not decoded: ${what}: ${x.reason ?? 'no audio'}`);
    else {
      const name = r.channels === 2 ? (x.channel === 1 ? 'left' : 'right') : `channel ${x.channel}`;
      const srtp = x.srtp ? `, SRTP decrypted${x.srtp.authFailures > 0 ? ` (${x.srtp.authFailures} packets failed authentication)` : ''}` : '';
      lines.push(`  ${name}: ${what}${srtp}, ${x.packets} packets, ${x.lostPackets} lost${x.lostPackets > 0 ? ' (silence)' : ''}${x.truncated ? ', cut (one hour per stream, two hours per call)' : ''}`);
    }
  }
  return lines;
}

const endpoint = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
