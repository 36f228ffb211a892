// The sipscope CLI as a user runs it (dist/cli.js, built by `npm test` before vitest): outputs, exit codes, and
// clear errors on bad input; the input file is never written.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, linkSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { crlf, pcapOf } from '../helpers/pcap-writer';
import { fileTempDir } from '../helpers/temp-dir';

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const sample = join(root, 'samples/captures/calls-mixed-outcomes.pcap');
const tmp = fileTempDir('sipscope-cli-');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  // dist/cli.js is the launcher; it loads dist/cli-main.js and may start dist/import-worker.js.
  if (![cli, join(root, 'dist/cli-main.js'), join(root, 'dist/import-worker.js')].every(existsSync)) {
    execFileSync(process.execPath, [join(root, 'esbuild.mjs'), 'cli', 'cliMain', 'importWorker'], { cwd: root });
  }
});

describe('sipscope calls', () => {
  it('lists the calls of a sample capture with states and the totals line', () => {
    const r = run('calls', sample);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^#\s+Start \(UTC\)\s+Method\s+From\s+To\s+State/m);
    for (const state of ['completed', 'busy', 'rejected', 'cancelled', 'failed']) expect(r.out).toContain(state);
    expect(r.out).toMatch(/^10 calls, 55 messages, 0 problems$/m);
  });
  it('stops quietly when the reader of its output goes away (`sipscope calls big.pcap | head`)', async () => {
    // 20 000 calls: a table of ~2 MB, far more than one pipe buffer.
    const frames = [];
    for (let i = 0; i < 20_000; i++) {
      frames.push({
        time: 1_700_000_000 + i,
        payload: crlf(`OPTIONS sip:b@192.0.2.2 SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-${i}\nFrom: <sip:a@192.0.2.1>;tag=a\nTo: <sip:b@192.0.2.2>\nCall-ID: c${i}\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n`),
      });
    }
    const f = join(tmp, 'many-calls.pcap');
    writeFileSync(f, pcapOf(frames));
    const child = spawn(process.execPath, [cli, 'calls', f], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.once('data', () => child.stdout.destroy()); // like `head`: read a little, then close the pipe
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    expect(err).toBe('');
    expect(code).toBe(0);
  });
  it('--filter lists the matching calls under their row numbers, then how many match', () => {
    const r = run('calls', sample, '--filter', 'status:4 -state:busy');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^\d+ /.test(l) && !/ calls, /.test(l) && !/ match /.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(['3', '4', '7']);
    expect(rows.every((l) => /\s4\d\d\s/.test(l) && !l.includes('busy@'))).toBe(true);
    expect(r.out).toMatch(/^3 of 10 calls match the filter\n10 calls, 55 messages, 0 problems$/m);
    expect(run('calls', sample, '--filter', 'to:"busy@"', '--summary').out).toBe('1 of 10 calls match the filter\n10 calls, 55 messages, 0 problems\n');
    expect(run('calls', sample, '--filter', '  ')).toMatchObject({ code: 2 });
    expect(run('ladder', sample, '--filter', 'to:busy').out.trim().split('\n')).toHaveLength(2 + 4); // header lines + 4 arrows
    const none = run('ladder', sample, '--filter', 'no-such-thing');
    expect(none.code).toBe(2);
    expect(none.err).toContain('no call matches the filter');
  });
  it('--json writes the calls as the export does (with --filter: the matching ones and their count)', () => {
    const all = JSON.parse(run('calls', sample, '--json').out);
    expect(all).toMatchObject({ schema: 'sipscope-calls', schema_version: 1, summary: { calls: 10, messages: 55, problems: 0 }, problems: [] });
    expect(all.calls).toHaveLength(10);
    const exported = JSON.parse(run('export', sample).out);
    expect(all.calls).toEqual(exported.calls);
    const failed = JSON.parse(run('calls', sample, '--json', '--filter', 'status:4').out);
    expect(failed.summary.matched).toBe(failed.calls.length);
    expect(failed.calls.map((c: { final_status: number }) => Math.floor(c.final_status / 100))).toEqual(Array(failed.calls.length).fill(4));
    expect(failed.calls.length).toBe(all.calls.filter((c: { final_status: number | null }) => c.final_status !== null && c.final_status >= 400 && c.final_status < 500).length);
    expect(JSON.parse(run('calls', sample, '--json', '--summary').out)).not.toHaveProperty('calls');
  });
  it('--summary prints only the totals line', () => {
    const r = run('calls', sample, '--summary');
    expect(r.out.trim()).toBe('10 calls, 55 messages, 0 problems');
  });
  it('reads a gzip-compressed capture (.pcap.gz) as it is, like tshark, and leaves it unchanged', () => {
    const f = join(tmp, 'sample.pcap.gz');
    writeFileSync(f, gzipSync(readFileSync(sample)));
    const before = readFileSync(f);
    expect(run('calls', f, '--summary').out.trim()).toBe('10 calls, 55 messages, 0 problems');
    const ladder = run('ladder', f, '--call', '1');
    expect(ladder.code).toBe(0);
    expect(ladder.out).toContain('INVITE');
    expect(readFileSync(f).equals(before)).toBe(true);
  });
  it('reports capture problems with frame numbers (truncated last record)', () => {
    const full = pcapOf([{ payload: crlf('OPTIONS sip:b.example SIP/2.0\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK1\nCall-ID: x\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n') }, { payload: 'x'.repeat(200) }]);
    const f = join(tmp, 'truncated.pcap');
    writeFileSync(f, full.subarray(0, full.length - 50));
    const r = run('calls', f);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1 calls, 1 messages, 1 problems$/m);
    expect(r.out).toMatch(/capture\/truncated-record x1: .*\(frame 2\)/);
  });
});

describe('bad input gets a clear error and exit code 2', () => {
  it('an HTML page saved as .pcap', () => {
    const f = join(tmp, 'page.pcap');
    writeFileSync(f, '<!DOCTYPE html><html><body>404</body></html>');
    const r = run('calls', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/page\.pcap: .*HTML/i);
  });
  it('a missing file', () => {
    const r = run('calls', join(tmp, 'nope.pcap'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('no such file');
  });
  it('an empty file and random bytes', () => {
    const e = join(tmp, 'empty.pcap');
    writeFileSync(e, '');
    expect(run('calls', e).code).toBe(2);
    const g = join(tmp, 'garbage.pcap');
    writeFileSync(g, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)));
    const r = run('calls', g);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/garbage\.pcap: /);
  });
  it('--help after a command prints the usage and exits 0', () => {
    for (const cmd of ['calls', 'extract', 'nat']) {
      const r = run(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain('sipscope extract FILE');
    }
  });
  it('usage errors', () => {
    expect(run('frobnicate').code).toBe(2);
    expect(run('calls').code).toBe(2);
    expect(run('ladder', sample, '--columns', 'diagonal').code).toBe(2);
    expect(run('export', sample, '--format', 'xml').code).toBe(2);
  });
  it('names an output file it cannot write, with exit code 2 (not an internal error)', () => {
    for (const [cmd, ...more] of [['ladder'], ['ladder', '--format', 'svg'], ['export', '--format', 'json']] as const) {
      const r = run(cmd, sample, ...more, '-o', join(tmp, 'no-such-dir', 'out.html'));
      expect(r.code, cmd).toBe(2);
      expect(r.err).toMatch(/no-such-dir[/\\]out\.html: cannot write: no such directory/);
      expect(r.err).not.toContain('internal error');
    }
    const r = run('ladder', sample, '--format', 'html', '-o', tmp); // a directory
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot write: is a directory');
  });
  it.skipIf(!existsSync('/dev/full'))('a full disk (/dev/full) is a clear error with exit code 2, for -o files and for stdout', () => {
    for (const args of [['ladder', sample, '--format', 'html', '-o', '/dev/full'], ['ladder', sample, '--format', 'svg', '-o', '/dev/full'], ['export', sample, '-o', '/dev/full']]) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toBe('sipscope: /dev/full: cannot write: no space left on device\n');
    }
    for (const args of [['calls', sample], ['ladder', sample, '--format', 'html'], ['export', sample]]) {
      const full = openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stderr).toBe('sipscope: cannot write the output: no space left on device\n');
      } finally {
        closeSync(full);
      }
    }
  });
  it('refuses to write the output over the input capture', () => {
    const copy = join(tmp, 'in.pcap');
    writeFileSync(copy, readFileSync(sample));
    const before = statSync(copy).mtimeMs;
    const r = run('ladder', copy, '-o', copy);
    expect(r.code).toBe(2);
    expect(readFileSync(copy).equals(readFileSync(sample))).toBe(true);
    expect(statSync(copy).mtimeMs).toBe(before);
  });
  it('refuses the input capture under another name (hard link, symbolic link)', () => {
    const copy = join(tmp, 'linked-in.pcap');
    writeFileSync(copy, readFileSync(sample));
    linkSync(copy, join(tmp, 'hard.pcap'));
    symlinkSync(copy, join(tmp, 'soft.pcap'));
    for (const out of ['hard.pcap', 'soft.pcap']) {
      const r = run('extract', copy, '--call', '1', '-o', join(tmp, out));
      expect(r.code).toBe(2);
      expect(r.err).toContain('output file must not be the input capture');
    }
    expect(readFileSync(copy).equals(readFileSync(sample))).toBe(true);
  });
});

describe('sipscope stats', () => {
  it('counts messages by method and status, and the call figures (ASR, ACD, PDD, answer delay)', () => {
    const r = run('stats', sample);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^SIP messages: 55 \(25 requests, 30 responses\), 0 retransmissions$/m);
    expect(r.out).toMatch(/^INVITE\s+10\s+0$/m);
    expect(r.out).toMatch(/^486 Busy Here\s+1\s+0$/m);
    expect(r.out).toMatch(/^Calls: 10 \(10 INVITE\): completed 4, cancelled 1, busy 1, rejected 3, failed 1$/m);
    expect(r.out).toMatch(/^ASR: 40\.0% \(4 of 10 INVITE calls answered\)$/m);
    const json = JSON.parse(run('stats', sample, '--json').out);
    expect(json.calls).toMatchObject({ total: 10, invite: 10, answered: 4, asrPercent: 40 });
    expect(json.calls.acd.count).toBe(4);
    expect(json.calls.acd.meanSec).toBeGreaterThan(2.5);
    expect(json.calls.pdd.count).toBe(7); // the calls that got a 180/183
    expect(json.methods.map((m: { method: string }) => m.method)).toEqual(['ACK', 'INVITE', 'BYE', 'CANCEL']);
    // --filter: the selected calls only, and says so.
    const failed = run('stats', sample, '--filter', 'status:4');
    expect(failed.out).toMatch(/^Scope: 4 of 10 calls$/m); // 404, 480, 486, 487
    expect(failed.out).toMatch(/^ASR: 0\.0% \(0 of 4 INVITE calls answered\)$/m);
  });
});

describe('--call and --filter on rtp and nat', () => {
  const lab = join(root, 'samples/captures/lab/02-call-private-sdp-pub.pcap');
  it('rtp lists the selected calls\' streams only, with their own summary', () => {
    const all = run('rtp', lab);
    expect(all.out).toMatch(/^2 RTP streams \(2 signalled, 0 heuristic\), 472 packets, 0 lost$/m);
    const call2 = run('rtp', lab, '--call', '2');
    expect(call2.out.split('\n').filter((l) => /0x[0-9A-F]{8}/.test(l))).toHaveLength(2);
    expect(run('rtp', lab, '--filter', 'method:REGISTER').out).toMatch(/^\(no RTP streams\)\n0 RTP streams/m);
    const json = JSON.parse(run('rtp', lab, '--json', '--call', '2').out);
    expect(json.streams).toHaveLength(2);
  });
  it('rtp --stream N --packets prints that stream packet by packet (text and JSON); bad combinations are usage errors', () => {
    const text = run('rtp', sample, '--stream', '1', '--packets');
    expect(text.code).toBe(0);
    expect(text.out.split('\n').filter((l) => / (ok|marker|duplicate|wrong .*)$/.test(l))).toHaveLength(67);
    expect(text.out).toMatch(/^stream 1 0xA11CE001: 67 packets, max delta 46\.728 ms \(frame \d+\), max jitter 2\.490 ms, 0 missing in sequence gaps$/m);
    const json = JSON.parse(run('rtp', sample, '--stream', '1', '--packets', '--json').out);
    expect([json.stream, json.packets, json.rows.length, json.max_delta_ms]).toEqual([1, 67, 67, 46.728]);
    expect(run('rtp', sample, '--packets').code).toBe(2);
    expect(run('rtp', sample, '--stream', '1').code).toBe(2);
    const missing = run('rtp', sample, '--stream', '99', '--packets');
    expect([missing.code, missing.err]).toEqual([2, expect.stringContaining('no RTP stream 99 (the capture has 7)')]);
  });
  it('export --call/--filter writes the selected calls, their messages, streams and findings, as the whole export has them', () => {
    const all = JSON.parse(run('export', lab).out);
    const one = JSON.parse(run('export', lab, '--filter', 'method:INVITE').out);
    const cid = all.calls.find((c: { method: string }) => c.method === 'INVITE').call_id;
    expect(one.selection).toEqual({ calls: 1, messages: one.messages.length });
    expect(one.summary).toEqual(all.summary); // the header still describes the capture
    expect(one.messages).toEqual(all.messages.filter((m: { call_id: string }) => m.call_id === cid));
    expect(one.calls.map((c: { call_id: string }) => c.call_id)).toEqual([cid]);
    expect(one.streams).toEqual(all.streams.filter((st: { call_index: number }) => all.calls[st.call_index]?.call_id === cid));
    expect(one.findings).toEqual(all.findings.filter((f: { callId: string }) => f.callId === cid));
    expect(all).not.toHaveProperty('selection');
  });
  it('nat analyses the selected calls only: their findings are those of the whole run', () => {
    const all = JSON.parse(run('nat', lab, '--format', 'json').out);
    const calls = JSON.parse(run('calls', lab, '--json').out).calls as { index: number; call_id: string; method: string }[];
    const invite = calls.find((c) => c.method === 'INVITE')!;
    const one = run('nat', lab, '--format', 'json', '--filter', 'method:INVITE');
    expect(one.code).toBe(1); // the INVITE call has error findings
    const doc = JSON.parse(one.out);
    expect(doc.findings.length).toBeGreaterThan(0);
    expect(doc.findings).toEqual(all.findings.filter((f: { callId: string }) => f.callId === invite.call_id));
    expect(doc.verdicts.map((v: { callId: string }) => v.callId)).toEqual([invite.call_id]);
    const register = run('nat', lab, '--call', String(calls.find((c) => c.method === 'REGISTER')!.index + 1));
    expect(register.code).toBe(0);
    expect(register.out).toMatch(/1 call\(s\) analysed; 2 NAT finding\(s\) in 1 call\(s\)/);
  });
});

/** A WAV file's PCM fields (RIFF/WAVE with a 16-byte fmt chunk, as encodeWav writes) and its channels. */
function readWav(path: string): { channels: number; rate: number; bits: number; samples: Int16Array[] } {
  const b = readFileSync(path);
  expect(b.toString('latin1', 0, 4)).toBe('RIFF');
  expect(b.readUInt32LE(4)).toBe(b.length - 8);
  expect(b.toString('latin1', 8, 16)).toBe('WAVEfmt ');
  expect(b.readUInt16LE(20)).toBe(1); // PCM
  const channels = b.readUInt16LE(22);
  const rate = b.readUInt32LE(24);
  const bits = b.readUInt16LE(34);
  expect(b.toString('latin1', 36, 40)).toBe('data');
  expect(b.readUInt32LE(40)).toBe(b.length - 44);
  const frames = (b.length - 44) / (2 * channels);
  const samples = Array.from({ length: channels }, () => new Int16Array(frames));
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) samples[c]![i] = b.readInt16LE(44 + (i * channels + c) * 2);
  return { channels, rate, bits, samples };
}

const rms = (x: Int16Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

describe('sipscope audio', () => {
  it("writes a call's two RTP streams as a stereo WAV aligned on capture time, and one stream alone with --stream", () => {
    const out = join(tmp, 'call1.wav');
    const r = run('audio', sample, '--call', '1', '-o', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`wrote 2.0 s of 8000 Hz audio, 2 channels, to ${out}`);
    expect(r.err).toContain('left: stream 1 (call 1), 127.0.0.10:16000 -> 127.0.0.20:17000, PCMA, 67 packets, 0 lost');
    expect(r.err).toContain('right: stream 2 (call 1), 127.0.0.20:17000 -> 127.0.0.10:16000, PCMA, 67 packets, 0 lost');
    const stereo = readWav(out);
    expect(stereo).toMatchObject({ channels: 2, rate: 8000, bits: 16 });
    // SIPp's speech clip in each direction: 67 packets of 30 ms (240 samples), well above A-law idle (RMS ~8).
    for (const ch of stereo.samples) expect(rms(ch)).toBeGreaterThan(500);
    expect(stereo.samples[0]!.length).toBeGreaterThanOrEqual(67 * 240);
    // --stream 2 --mono: the right channel alone, starting at its own first packet (A-law never decodes to 0, so
    // the right channel's first non-zero sample is where stream 2 starts in the stereo file).
    const one = join(tmp, 'stream2.wav');
    const r2 = run('audio', sample, '--stream', '2', '--mono', '-o', one);
    expect(r2.code).toBe(0);
    expect(r2.err).toContain('1 channel');
    const mono = readWav(one);
    expect(mono.channels).toBe(1);
    const right = stereo.samples[1]!;
    const at = right.findIndex((v) => v !== 0);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(Array.from(right.subarray(at, at + mono.samples[0]!.length))).toEqual(Array.from(mono.samples[0]!));
  });
  it('the built CLI decodes each codec of the baresip samples (Opus through the bundled libopus, G.722, G.726, GSM, SRTP)', () => {
    for (const [name, codec, rate] of [
      ['opus', 'opus', 16000],
      ['g722', 'G722', 16000],
      ['g726', 'G726-32', 8000],
      ['gsm', 'GSM', 8000],
      ['srtp', 'PCMA', 8000],
    ] as const) {
      const out = join(tmp, `baresip-${name}.wav`);
      const r = run('audio', join(root, `samples/captures/baresip-call-${name}.pcap`), '--call', '1', '-o', out);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain(`of ${rate} Hz audio, 2 channels`);
      expect(r.err).toMatch(new RegExp(`, ${codec}${name === 'srtp' ? ', SRTP decrypted' : ''}, 1\\d\\d packets, 0 lost\\n.*, ${codec}`));
      const wav = readWav(out);
      expect(wav).toMatchObject({ channels: 2, rate });
      // Three seconds of the two sines, well above silence, in both channels.
      for (const ch of wav.samples) {
        expect(ch.length).toBeGreaterThan(3 * rate);
        expect(rms(ch)).toBeGreaterThan(3000);
      }
    }
  });
  it('-o - writes the same WAV bytes to standard output (for `| aplay`), the report to standard error', () => {
    const file = join(tmp, 'call1-file.wav');
    expect(run('audio', sample, '--call', '1', '-o', file).code).toBe(0);
    const r = spawnSync(process.execPath, [cli, 'audio', sample, '--call', '1', '-o', '-']);
    expect(r.status).toBe(0);
    expect(Buffer.from(r.stdout).equals(readFileSync(file))).toBe(true);
    expect(r.stderr.toString()).toContain('2 channels, to standard output');
  });
  it('needs a selection and a .wav output; calls without streams and unknown streams are clear errors', () => {
    const x = join(tmp, 'x.wav');
    const none = run('audio', sample, '-o', x);
    expect(none.code).toBe(2);
    expect(none.err).toContain('audio needs --call');
    const mp3 = run('audio', sample, '--call', '1', '-o', join(tmp, 'x.mp3'));
    expect(mp3.code).toBe(2);
    expect(mp3.err).toContain("audio writes a .wav file, not '");
    expect(run('audio', sample, '--call', '1')).toMatchObject({ code: 2 });
    const busy = run('audio', sample, '--call', '2', '-o', x);
    expect(busy.code).toBe(2);
    expect(busy.err).toContain("the selected call has no RTP stream (calls with RTP: 1, 5, 6, 8; see 'sipscope rtp')");
    const unknown = run('audio', sample, '--stream', '99', '-o', x);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no RTP stream 99 (the capture has 7');
    expect(run('audio', sample, '--stream', 'two', '-o', x)).toMatchObject({ code: 2 });
    // The capture itself under a .wav name (a symbolic link) is never written.
    const link = join(tmp, 'capture-link.wav');
    symlinkSync(sample, link);
    const before = readFileSync(sample);
    expect(run('audio', sample, '--call', '1', '-o', link).err).toContain('output file must not be the input capture');
    expect(readFileSync(sample).equals(before)).toBe(true);
    expect(existsSync(x)).toBe(false);
  });
  const eyebeam = '/work/shared/corpus/captures/snort3demo_SIP_Eyebeam2Eyebeam_Video_Audio.pcap';
  it.skipIf(!existsSync(eyebeam))('says which codecs it cannot decode, and writes nothing when none can be (corpus: BV32 audio, H.264 video)', () => {
    const x = join(tmp, 'eyebeam.wav');
    const r = run('audio', eyebeam, '--call', '1', '-o', x);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no selected stream could be decoded (stream 1: codec BV32 is not decoded');
    expect(r.err).toContain('codec H264 is not decoded');
    expect(existsSync(x)).toBe(false);
  });
});

describe('sipscope extract', () => {
  it("writes a call's SIP messages and RTP streams as a new pcap that imports to the same call", () => {
    const out = join(tmp, 'call1.pcap');
    const r = run('extract', sample, '--call', '1', '-o', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('wrote 141 packets (1 call(s): 7 SIP message(s), 2 RTP stream(s))');
    const calls = run('calls', out);
    expect(calls.out).toMatch(/^1 calls, 7 messages, 0 problems$/m);
    expect(calls.out).toContain('1-26440@127.0.0.10');
    // The streams keep their statistics: the same rows as in the whole capture (stream and call numbers aside).
    const rows = (text: string) => text.split('\n').filter((l) => /0x[0-9A-F]{8}/.test(l)).map((l) => l.split(/\s+/).slice(3).join(' '));
    const whole = rows(run('rtp', sample).out).slice(0, 2);
    expect(rows(run('rtp', out).out)).toEqual(whole);
    // --no-rtp: the signalling only; .pcapng: that container even with one link type.
    expect(run('extract', sample, '--call', '1', '--no-rtp', '-o', join(tmp, 'sip-only.pcap')).err).toContain('wrote 7 packets');
    const ng = join(tmp, 'calls.pcapng');
    expect(run('extract', sample, '--call', '2', '--call', '1-26440@127.0.0.10', '-o', ng).code).toBe(0);
    expect(readFileSync(ng).readUInt32LE(0)).toBe(0x0a0d0d0a); // pcapng Section Header Block
    expect(run('calls', ng).out).toMatch(/^2 calls, 11 messages, 0 problems$/m);
  });
  it('--filter selects the calls to extract (alone or narrowing --call)', () => {
    const out = join(tmp, 'completed.pcap');
    const r = run('extract', sample, '--filter', 'state:completed', '-o', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('(4 call(s): 28 SIP message(s), 7 RTP stream(s))');
    expect(run('calls', out).out).toMatch(/^4 calls, 28 messages, 0 problems$/m);
    const narrowed = run('extract', sample, '--call', '1', '--call', '2', '--filter', 'state:busy', '-o', join(tmp, 'busy.pcap'));
    expect(narrowed.err).toContain('(1 call(s): 4 SIP message(s)');
    const none = run('extract', sample, '--call', '1', '--filter', 'state:busy', '-o', join(tmp, 'none.pcap'));
    expect(none.code).toBe(2);
    expect(none.err).toContain('no selected call matches the filter');
    expect(existsSync(join(tmp, 'none.pcap'))).toBe(false);
  });
  it('needs --call or --filter and a .pcap or .pcapng output; an unknown call is a clear error', () => {
    expect(run('extract', sample, '-o', join(tmp, 'x.pcap'))).toMatchObject({ code: 2 });
    expect(run('extract', sample, '--call', '1')).toMatchObject({ code: 2 });
    const txt = run('extract', sample, '--call', '1', '-o', join(tmp, 'x.txt'));
    expect(txt.code).toBe(2);
    expect(txt.err).toContain("extract writes a .pcap or .pcapng file, not '");
    const noDir = run('extract', sample, '--call', '1', '-o', join(tmp, 'no-such-dir', 'x.pcap'));
    expect(noDir.code).toBe(2);
    expect(noDir.err).toContain('x.pcap: cannot write: no such directory');
    const unknown = run('extract', sample, '--call', 'no-such-call', '-o', join(tmp, 'x.pcap'));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no call with Call-ID 'no-such-call'");
    expect(existsSync(join(tmp, 'x.pcap'))).toBe(false);
  });
});

describe('sipscope ladder', () => {
  it('prints a text ladder of one call selected by row number', () => {
    const r = run('ladder', sample, '--call', '4');
    expect(r.code).toBe(0);
    expect(r.out).toContain('127.0.0.10:5060');
    expect(r.out).toMatch(/CANCEL/);
    expect(r.out).toMatch(/487 Request Terminated/);
    expect(r.out.trim().split('\n')).toHaveLength(2 + 7);
  });
  it('writes self-contained HTML and SVG, and Mermaid/PlantUML text', () => {
    const html = join(tmp, 'l.html');
    expect(run('ladder', sample, '--call', '1', '-o', html).code).toBe(0);
    const h = readFileSync(html, 'utf8');
    expect(h).toContain('Content-Security-Policy');
    expect(h).not.toMatch(/<script/i);
    expect(h).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(h).toContain('id="msg-0"');
    const svg = join(tmp, 'l.svg');
    expect(run('ladder', sample, '-o', svg).code).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^(<\?xml[^>]*>\s*)?<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const mmd = join(tmp, 'l.mmd');
    expect(run('ladder', sample, '--call', '1', '-o', mmd).code).toBe(0);
    expect(readFileSync(mmd, 'utf8')).toMatch(/^sequenceDiagram/m);
    const puml = join(tmp, 'l.puml');
    expect(run('ladder', sample, '--call', '1', '-o', puml).code).toBe(0);
    expect(readFileSync(puml, 'utf8')).toMatch(/^@startuml[\s\S]*@enduml\s*$/);
  });
  it('escapes header values from the capture in HTML', () => {
    const f = join(tmp, 'xss.pcap');
    writeFileSync(
      f,
      pcapOf([{ payload: crlf('INVITE sip:b.example SIP/2.0\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK1\nFrom: "<script>alert(1)</script>" <sip:a@a.example>;tag=1\nTo: <sip:b@b.example>\nCall-ID: <img src=x onerror=alert(2)>\nCSeq: 1 INVITE\nContent-Length: 0\n\n') }]),
    );
    const out = join(tmp, 'xss.html');
    expect(run('ladder', f, '-o', out).code).toBe(0);
    const h = readFileSync(out, 'utf8');
    expect(h).not.toContain('<script>alert(1)');
    expect(h).not.toContain('<img src=x');
    expect(h).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
  it('rejects an unknown Call-ID', () => {
    const r = run('ladder', sample, '--call', 'no-such-call');
    expect(r.code).toBe(2);
    expect(r.err).toContain("no call with Call-ID 'no-such-call'");
  });
});

describe('sipscope export --format json', () => {
  it('writes the documented schema', () => {
    const out = join(tmp, 'e.json');
    expect(run('export', sample, '--format', 'json', '-o', out).code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc).toMatchObject({ schema: 'sipscope-export', schema_version: 1, format: 'pcap', summary: { calls: 10, messages: 55 } });
    expect(doc.messages).toHaveLength(55);
    const invite = doc.messages[0];
    expect(invite).toMatchObject({ frame: 1, transport: 'UDP', kind: 'request', method: 'INVITE', cseq_method: 'INVITE', has_sdp: true, src: '127.0.0.10', dst_port: 5070 });
    expect(invite.time_epoch).toMatch(/^\d{10}\.\d{9}$/);
    expect(invite.via_top.branch).toMatch(/^z9hG4bK/);
    expect(invite.sdp.media[0]).toMatchObject({ media: 'audio', proto: 'RTP/AVP' });
    expect(doc.calls).toHaveLength(10);
    expect(doc.calls[0].message_ids.length).toBeGreaterThan(0);
    expect(Array.isArray(doc.problems)).toBe(true);
  });
  it('streams to stdout without -o', () => {
    const r = run('export', sample, '--format', 'json');
    expect(JSON.parse(r.out).messages).toHaveLength(55);
  });
});

describe('a capture piped into standard input (FILE -)', () => {
  /** Run with `input` on stdin and TMPDIR pointing at a fresh directory (to see that the spool file is removed). */
  function runPiped(input: Uint8Array | string, ...args: string[]) {
    const dir = mkdtempSync(join(tmp, 'stdin-tmp-'));
    const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', env: { ...process.env, TMPDIR: dir } });
    return { code: r.status, out: r.stdout, err: r.stderr, leftovers: readdirSync(dir) };
  }
  const bytes = readFileSync(sample);

  it('gives what the file gives, and leaves no temporary file behind', () => {
    for (const args of [['calls'], ['stats', '--json'], ['export', '--format', 'json'], ['rtp']]) {
      const piped = runPiped(bytes, args[0]!, '-', ...args.slice(1));
      expect(piped.code).toBe(0);
      expect(piped.out).toBe(run(args[0]!, sample, ...args.slice(1)).out);
      expect(piped.leftovers).toEqual([]);
    }
    expect(runPiped(gzipSync(bytes), 'calls', '-', '--summary').out).toBe('10 calls, 55 messages, 0 problems\n');
  });

  it('names standard input in reports and errors', () => {
    expect(runPiped(bytes, 'ladder', '-', '--format', 'html').out).toContain('standard input');
    const text = runPiped('INVITE sip:b@example.com SIP/2.0\r\n\r\n', 'calls', '-');
    expect([text.code, text.err.trim()]).toEqual([2, 'sipscope: -: Not a pcap or pcapng capture: it looks like a text file (open SIP logs as text instead)']);
    expect(text.leftovers).toEqual([]);
    const empty = runPiped('', 'calls', '-');
    expect([empty.code, empty.err.trim()]).toEqual([2, 'sipscope: -: The file is empty']);
  });

  it('goes on with what it has read when interrupted (Ctrl+C ends a live capture)', async () => {
    const dir = mkdtempSync(join(tmp, 'stdin-int-'));
    const child = spawn(process.execPath, [cli, 'calls', '-'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: dir } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const part = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    child.stdin.write(part); // the pipe stays open: a capture still running
    // Interrupt once everything written has reached the spool file (bounded wait).
    const spooled = (): number => {
      const sub = readdirSync(dir).find((f) => f.startsWith('sipscope-stdin-'));
      return sub && existsSync(join(dir, sub, 'capture')) ? statSync(join(dir, sub, 'capture')).size : -1;
    };
    for (let i = 0; i < 200 && spooled() < part.length; i++) await new Promise((r) => setTimeout(r, 25));
    expect(spooled()).toBe(part.length);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(err).toContain(`interrupted: going on with the ${part.length} bytes read from standard input`);
    expect(out).toMatch(/^\d+ calls, \d+ messages, \d+ problems$/m);
    expect(Number(/^(\d+) calls/m.exec(out)?.[1])).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps what the writer flushes right after the interrupt (tcpdump gets the Ctrl+C too)', async () => {
    const dir = mkdtempSync(join(tmp, 'stdin-flush-'));
    const child = spawn(process.execPath, [cli, 'calls', '-', '--summary'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: dir } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const half = Math.floor(bytes.length / 2);
    child.stdin.write(bytes.subarray(0, half));
    for (let i = 0; i < 200 && readdirSync(dir).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    child.stdin.end(bytes.subarray(half)); // the rest, then the end of the input, within the grace period
    expect(await new Promise<number | null>((r) => child.on('close', r))).toBe(0);
    expect(out).toBe('10 calls, 55 messages, 0 problems\n');
  });
});

describe('sipscope lint - (a trace piped into standard input)', () => {
  it('lints it as the same file would be, named <stdin>, with the same exit code', () => {
    const trace = join(root, 'samples/sip/nat-call.sip');
    for (const format of ['text', 'json']) {
      const file = run('lint', trace, '--format', format);
      const piped = spawnSync(process.execPath, [cli, 'lint', '-', '--format', format], { input: readFileSync(trace), encoding: 'utf8' });
      expect(piped.status).toBe(file.code);
      expect(piped.stdout.length).toBeGreaterThan(100);
      expect(piped.stdout).toBe(file.out.replaceAll(trace, '<stdin>'));
    }
    // A capture piped in: its SIP messages are linted as the same file's would be.
    const fromFile = run('lint', sample);
    const capture = spawnSync(process.execPath, [cli, 'lint', '-'], { input: readFileSync(sample), encoding: 'utf8' });
    expect(capture.status).toBe(fromFile.code);
    expect(capture.stdout).toMatch(/^<stdin>:frame \d+:\d+:\d+ /);
    expect(capture.stdout).toBe(fromFile.out.replaceAll(sample, '<stdin>'));
  });
});
