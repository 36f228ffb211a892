// `sipscope rtp` output (renderRtp, called by main.ts): a stream table like tshark's -z rtp,streams, and JSON.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCapture } from '../../src/cli/load';
import { renderRtp, rtpPacketsOutput } from '../../src/cli/commands/rtp';

const sample = join(__dirname, '../../samples/captures/calls-mixed-outcomes.pcap');
const register = join(__dirname, '../../samples/captures/register-auth.pcapng');

describe('renderRtp', () => {
  it('prints one row per stream with tshark-like columns and a summary line', async () => {
    const cap = await loadCapture(sample);
    try {
      const out = renderRtp(cap.model);
      const lines = out.split('\n');
      expect(lines[0]).toMatch(/^#\s+Call\s+Start \(UTC\)\s+Dur\(s\)\s+Src IP addr\s+Port\s+Dest IP addr\s+Port\s+SSRC\s+Payload\s+Pkts\s+Lost\s+Max Delta\(ms\)\s+Max Jitter\(ms\)\s+Mean Jitter\(ms\)\s+Problems\?$/);
      expect(lines.filter((l) => /^\s*\d+\s+\d+\s+20\d\d-/.test(l)).length).toBe(7);
      // Call 5 (early media): the callee's 100-packet stream, same numbers as tshark.
      expect(out).toMatch(/5 .*127\.0\.0\.20\s+17000\s+127\.0\.0\.10\s+16000\s+0xB0B00005\s+PCMA\s+100\s+0 \(0\.0%\)\s+60\.668\s+12\.575\s+4\.293/);
      expect(lines.at(-1)).toBe('7 RTP streams (7 signalled, 0 heuristic), 502 packets, 0 lost');
    } finally {
      await cap.close();
    }
  });

  it('prints JSON with the export fields', async () => {
    const cap = await loadCapture(sample);
    try {
      const doc = JSON.parse(renderRtp(cap.model, { json: true })) as { streams: Record<string, unknown>[] };
      expect(doc.streams.length).toBe(7);
      expect(doc.streams[0]).toMatchObject({ index: 0, call_index: 0, detection: 'sdp', ssrc_hex: '0xA11CE001', codec: 'PCMA', clock_rate: 8000, packets: 67, lost: 0, max_delta_ms: 46.728, max_jitter_ms: 2.49, mean_jitter_ms: 0.982 });
      expect(doc.streams[0]!.matched).toMatchObject({ side: 'destination', address: '127.0.0.20', port: 17000, message_id: 3, frame: 4 });
    } finally {
      await cap.close();
    }
  });

  it('says so when there is no RTP', async () => {
    const cap = await loadCapture(register);
    try {
      expect(renderRtp(cap.model)).toBe('(no RTP streams)\n0 RTP streams (0 signalled, 0 heuristic), 0 packets, 0 lost');
    } finally {
      await cap.close();
    }
  });
});

describe('rtpPacketsOutput (sipscope rtp --stream N --packets)', () => {
  it('prints one row per packet of the stream, and maxima equal to the stream table\'s', async () => {
    const cap = await loadCapture(sample);
    try {
      const stream = cap.model.streams[2]!; // #3, 0xB0B00005: early media then the answered clip
      const out = [...(await rtpPacketsOutput(cap.model, stream))].join('');
      const lines = out.split('\n');
      expect(lines[0]).toMatch(/^Frame\s+Seq\s+Time\(s\)\s+Delta\(ms\)\s+Jitter\(ms\)\s+Status$/);
      const rows = lines.filter((l) => /^\s*\d+\s+\d+\s+\d+\.\d{6}\s/.test(l));
      expect(rows.length).toBe(stream.packets);
      expect(rows[0]).toMatch(new RegExp(`^\\s*${stream.firstFrame}\\s+\\d+\\s+0\\.000000\\s+0\\.000\\s+0\\.000\\s+marker$`));
      expect(rows.every((l) => / (ok|marker)$/.test(l))).toBe(true);
      // The answered clip starts with a marker after 359.5 ms of silence: shown, but not counted (as tshark).
      expect(rows.filter((l) => l.endsWith(' marker')).map((l) => l.trim().split(/\s+/)[3])).toEqual(['0.000', '359.510']);
      expect(Math.max(...rows.filter((l) => l.endsWith(' ok')).map((l) => Number(l.trim().split(/\s+/)[3])))).toBe(60.668); // as `sipscope rtp`
      expect(lines.at(-2)).toBe('stream 3 0xB0B00005: 100 packets, max delta 60.668 ms (frame ' + stream.maxDeltaFrame + '), max jitter 12.575 ms, 0 missing in sequence gaps');
      const doc = JSON.parse([...(await rtpPacketsOutput(cap.model, stream, { json: true }))].join('')) as { packets: number; max_delta_ms: number; max_jitter_ms: number; rows: { frame: number; status: string; delta_ms: number }[] };
      expect([doc.packets, doc.max_delta_ms, doc.max_jitter_ms, doc.rows.length, doc.rows[0]!.frame, doc.rows[0]!.status]).toEqual([100, 60.668, 12.575, 100, stream.firstFrame, 'marker']);
    } finally {
      await cap.close();
    }
  });
});
