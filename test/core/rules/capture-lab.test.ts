// Capture NAT rules on the project's recordings: every NAT-lab capture (samples/captures/lab) reports the findings the
// lab README expects with the frames samples/README.md documents; the clean baseline and the loopback samples report
// nothing; merged (multi-vantage) captures give no duplicate findings. The team's reference run
// (/work/shared/lab/captures, frames from /work/shared/lab/README.md) and public corpus captures are checked when present.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture } from '../../../src/core/capture/import-capture';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { lintCapture, type CaptureLintResult } from '../../../src/core/rules/run-capture';
import { DEFAULT_LINT_SETTINGS, type Finding } from '../../../src/core/rules/types';

const SAMPLES = join(__dirname, '../../../samples/captures');
const LAB = join(SAMPLES, 'lab');
const SHARED_LAB = '/work/shared/lab/captures';
const CORPUS = '/work/shared/corpus/captures';

async function run(path: string): Promise<{ r: CaptureLintResult; records: number }> {
  const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(path))));
  return { r: await lintCapture(model, DEFAULT_LINT_SETTINGS), records: model.records };
}

/** One expected finding: its rule, frames it must cite, and optionally text its message must match. */
interface Expect {
  rule: string;
  frames?: number[];
  text?: RegExp;
  severity?: Finding['severity'];
}

const NAT_PORT = /203\.0\.113\.2:40\d{3}/;

/** Expectations per lab capture (frames from samples/README.md, "Frame numbers refer to the -pub file"). */
const EXPECTED: Record<string, Expect[]> = {
  '01-register-norport-pub.pcap': [
    { rule: 'nat/via-source-mismatch', frames: [3, 4], text: /192\.168\.1\.10:5060.*forced/ },
    { rule: 'nat/symmetric-nat', frames: [3, 4] },
    { rule: 'nat/contact-source-mismatch', frames: [3, 4], text: /registrar stored the NAT address/ },
  ],
  '01-register-norport-lan1.pcap': [
    { rule: 'nat/via-source-mismatch', frames: [3, 4], text: /received=203\.0\.113\.2/ },
    { rule: 'nat/symmetric-nat', frames: [4] },
  ],
  '01b-register-norport-lost-reply-pub.pcap': [
    { rule: 'nat/response-via-port', frames: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17, 18, 19], text: /Via port.*ICMP port unreachable/, severity: 'error' },
    { rule: 'nat/transaction-incomplete', frames: [3, 6, 9, 12, 17], severity: 'error' },
    { rule: 'nat/via-source-mismatch', frames: [3], text: /did not ask for rport/, severity: 'warning' },
  ],
  '01b-register-norport-lost-reply-lan1.pcap': [{ rule: 'nat/transaction-incomplete', frames: [3, 4, 5, 6, 7], text: /5 times.*no response/, severity: 'error' }],
  '02-call-private-sdp-pub.pcap': [
    { rule: 'nat/via-source-mismatch', frames: [9] },
    { rule: 'nat/contact-source-mismatch', frames: [9, 11], text: /fix_nated_contact/ },
    { rule: 'nat/sdp-private-public-source', frames: [9, 11], text: /c=192\.168\.1\.10.*relayed this SDP unchanged/ },
    { rule: 'nat/sdp-private-public-source', frames: [15, 16], text: /c=10\.0\.0\.20/ },
    { rule: 'nat/rtp-source-mismatch', text: NAT_PORT },
    { rule: 'nat/rtp-unreachable', frames: [20, 24], text: /to 192\.168\.1\.10:6000/ },
    { rule: 'nat/rtp-unreachable', frames: [22, 26], text: /to 10\.0\.0\.20:6000/ },
    { rule: 'nat/one-way-audio', text: /^No audio either way/ },
  ],
  '02-call-private-sdp-lan1.pcap': [
    { rule: 'nat/rtp-unreachable', frames: [9, 11] },
    { rule: 'nat/one-way-audio', text: /^No audio either way/ },
    { rule: 'nat/sdp-private-public-source', text: /c=192\.168\.1\.10/ },
  ],
  '02-call-private-sdp-lan2.pcap': [
    { rule: 'nat/rtp-unreachable', frames: [13, 15] },
    { rule: 'nat/one-way-audio', text: /^No audio either way/ },
  ],
  '02-call-private-sdp-merged.pcapng': [
    { rule: 'nat/via-source-mismatch', frames: [15, 18] },
    { rule: 'nat/sdp-private-public-source', frames: [15, 18, 21, 22] },
    { rule: 'nat/sdp-private-public-source', frames: [29, 30, 31, 32] },
    { rule: 'nat/rtp-source-mismatch', text: /seen before NAT/ },
    { rule: 'nat/one-way-audio', text: /^No audio either way/ },
  ],
  '02b-call-to-public-gw-oneway-pub.pcap': [
    { rule: 'nat/sdp-private-public-source', frames: [3, 7] },
    { rule: 'nat/rtp-source-mismatch', text: NAT_PORT },
    { rule: 'nat/rtp-unreachable', frames: [18, 21] },
    { rule: 'nat/one-way-audio', text: /^One-way audio \(alice hears nothing\).*symmetric RTP/ },
  ],
  '02b-call-to-public-gw-oneway-gw.pcap': [
    { rule: 'nat/sdp-private-public-source', frames: [3], text: /c=192\.168\.1\.10/ },
    { rule: 'nat/rtp-source-mismatch', frames: [3], text: NAT_PORT },
    { rule: 'nat/rtp-unreachable', frames: [11, 14] },
    { rule: 'nat/one-way-audio', text: /alice hears nothing/ },
  ],
  '02b-call-to-public-gw-oneway-lan1.pcap': [
    { rule: 'nat/one-way-audio', text: /alice hears nothing.*no RTP from/ },
    { rule: 'nat/sdp-private-public-source', frames: [3] },
  ],
  '04a-call-tcp-pub.pcap': [
    { rule: 'nat/via-source-mismatch', frames: [6], text: /port kept/ },
    { rule: 'nat/contact-source-mismatch', frames: [6, 12], text: /fix_nated_contact/ },
    { rule: 'nat/sdp-private-public-source', frames: [6, 12] },
    { rule: 'nat/rtp-unreachable', frames: [25, 28] },
    { rule: 'nat/one-way-audio', text: /alice hears nothing/ },
  ],
  '04a-call-tcp-lan1.pcap': [{ rule: 'nat/one-way-audio' }, { rule: 'nat/sdp-private-public-source' }, { rule: 'nat/via-source-mismatch' }],
  '04b-big-invite-udp-fragmented-pub.pcap': [
    { rule: 'nat/sdp-private-public-source', frames: [5, 11] },
    { rule: 'nat/rtp-source-mismatch', text: NAT_PORT },
    { rule: 'nat/rtp-unreachable', frames: [22, 25] },
    { rule: 'nat/one-way-audio', text: /alice hears nothing/ },
  ],
  '04b-big-invite-udp-fragmented-lan1.pcap': [{ rule: 'nat/sdp-private-public-source', frames: [5] }, { rule: 'nat/one-way-audio' }],
  '04c-big-invite-tcp-pub.pcap': [
    { rule: 'nat/sdp-private-public-source', frames: [10, 18] },
    { rule: 'nat/rtp-unreachable', frames: [31, 34] },
    { rule: 'nat/one-way-audio', text: /alice hears nothing/ },
  ],
  '04c-big-invite-tcp-lan1.pcap': [{ rule: 'nat/sdp-private-public-source', frames: [8] }, { rule: 'nat/one-way-audio' }],
  '05a-call-busy-486-pub.pcap': [{ rule: 'nat/sdp-private-public-source', frames: [9, 11] }, { rule: 'nat/via-source-mismatch', frames: [9] }],
  '05a-call-busy-486-lan1.pcap': [{ rule: 'nat/sdp-private-public-source' }],
  '05a-call-busy-486-lan2.pcap': [{ rule: 'nat/sdp-private-public-source' }],
  '05b-call-notfound-404-pub.pcap': [{ rule: 'nat/sdp-private-public-source', frames: [3] }, { rule: 'nat/via-source-mismatch', frames: [3, 4] }],
  '05b-call-notfound-404-lan1.pcap': [{ rule: 'nat/sdp-private-public-source', frames: [3] }],
  '05c-call-cancel-pub.pcap': [{ rule: 'nat/sdp-private-public-source', frames: [9, 11] }],
  '05c-call-cancel-lan1.pcap': [{ rule: 'nat/sdp-private-public-source' }],
  '05c-call-cancel-lan2.pcap': [{ rule: 'nat/sdp-private-public-source' }],
  '05d-call-hold-reinvite-pub.pcap': [
    { rule: 'nat/sdp-private-public-source', frames: [9, 11] },
    { rule: 'nat/sdp-private-public-source', frames: [15, 16] },
    { rule: 'nat/sdp-private-public-source', frames: [191, 193], text: /c=192\.168\.1\.10/ },
    { rule: 'nat/sdp-private-public-source', frames: [194, 195], text: /c=10\.0\.0\.20/ },
    { rule: 'nat/rtp-unreachable', frames: [20, 24] },
    { rule: 'nat/rtp-unreachable', frames: [22, 26] },
    { rule: 'nat/one-way-audio', text: /^No audio either way/ },
  ],
  '05d-call-hold-reinvite-lan1.pcap': [{ rule: 'nat/one-way-audio' }, { rule: 'nat/rtp-unreachable' }],
  '05d-call-hold-reinvite-lan2.pcap': [{ rule: 'nat/one-way-audio' }, { rule: 'nat/rtp-unreachable' }],
  '06-call-ipv6-nat66-pub.pcap': [
    { rule: 'nat/via-source-mismatch', frames: [8, 9], text: /fd00:1::10.*2001:db8:1::2/ },
    { rule: 'nat/sdp-private-public-source', frames: [8, 10], text: /unique local/ },
    { rule: 'nat/rtp-source-mismatch', text: /2001:db8:1::2/ },
    { rule: 'nat/rtp-unreachable', frames: [19, 22, 25] },
    { rule: 'nat/one-way-audio', text: /alice hears nothing/ },
  ],
  '06-call-ipv6-nat66-merged.pcapng': [{ rule: 'nat/via-source-mismatch', frames: [13, 15] }, { rule: 'nat/one-way-audio', text: /alice hears nothing/ }],
  '06-call-ipv6-nat66-lan1.pcap': [{ rule: 'nat/one-way-audio', text: /alice hears nothing/ }, { rule: 'nat/sdp-private-public-source' }],
  '06-call-ipv6-nat66-lan2.pcap': [{ rule: 'nat/rtp-unreachable' }, { rule: 'nat/one-way-audio', text: /alice hears nothing/ }],
  '07-baresip-call-private-sdp-pub.pcap': [
    { rule: 'nat/sdp-private-public-source', frames: [9, 11], text: /m=audio 20008/ },
    { rule: 'nat/sdp-private-public-source', frames: [16, 17], text: /m=audio 20002/ },
    { rule: 'nat/rtp-unreachable', frames: [23] },
    { rule: 'nat/rtp-unreachable', frames: [15, 25] },
    { rule: 'nat/one-way-audio', frames: [19, 23], text: /^No audio either way/ },
  ],
  '07-baresip-call-private-sdp-lan1.pcap': [{ rule: 'nat/one-way-audio', text: /^No audio either way/ }],
  '07-baresip-call-private-sdp-lan2.pcap': [{ rule: 'nat/one-way-audio', text: /^No audio either way/ }],
};

/** Captures with no NAT finding at all (the clean baseline, every vantage point, and the unfiltered -i any copy). */
const CLEAN = ['03-call-clean-baseline-lan1.pcap', '03-call-clean-baseline-lan2.pcap', '03-call-clean-baseline-pub.pcap', '03-call-clean-baseline-pub-rawany.pcap'];

/** Error findings must only be where the lab expects lost signalling or lost media. */
const NO_ERRORS = ['01-register-norport-pub.pcap', '01-register-norport-lan1.pcap', '05a-call-busy-486-pub.pcap', '05b-call-notfound-404-pub.pcap', '05c-call-cancel-pub.pcap'];

function check(r: CaptureLintResult, want: Expect[], records: number): void {
  const dump = () => r.findings.map((f) => `${f.ruleId} ${f.severity} [${f.frames?.join(',')}] ${f.message}`).join('\n');
  for (const w of want) {
    const hit = r.findings.find(
      (f) =>
        f.ruleId === w.rule &&
        (w.frames ?? []).every((x) => f.frames?.includes(x)) &&
        (w.text === undefined || w.text.test(f.message)) &&
        (w.severity === undefined || f.severity === w.severity),
    );
    expect(hit, `expected ${w.rule} frames ${w.frames?.join(',') ?? '-'} ${w.text ?? ''}\n${dump()}`).toBeDefined();
  }
  for (const f of r.findings) {
    expect(f.callId, f.message).toBeTruthy();
    for (const x of f.frames ?? []) expect(x >= 1 && x <= records, `${f.ruleId} frame ${x} of ${records}`).toBe(true);
  }
}

/** No duplicate or contradictory findings: each (rule, call, frames) once; no latching claim beside "never arrives". */
function noDuplicates(r: CaptureLintResult): void {
  const keys = r.findings.map((f) => `${f.ruleId}|${f.callIndex}|${f.frames?.join(',')}`);
  expect(new Set(keys).size, keys.join('\n')).toBe(keys.length);
  for (const v of r.verdicts) {
    const once = ['nat/via-source-mismatch', 'nat/contact-source-mismatch', 'nat/symmetric-nat', 'nat/one-way-audio'];
    for (const id of once) {
      const n = v.findings.filter((f) => f.ruleId === id).length;
      expect(n, `${id} in call ${v.callIndex}`).toBeLessThanOrEqual(2); // at most once per party
    }
    const oneWay = v.findings.some((f) => f.ruleId === 'nat/one-way-audio');
    const latch = v.findings.some((f) => f.ruleId === 'nat/rtp-latching');
    expect(oneWay && latch, v.summary).toBe(false);
  }
}

describe.runIf(existsSync(LAB))('NAT lab captures (samples/captures/lab)', () => {
  for (const [file, want] of Object.entries(EXPECTED)) {
    it(file, async () => {
      const { r, records } = await run(join(LAB, file));
      check(r, want, records);
      noDuplicates(r);
      if (NO_ERRORS.includes(file)) expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
      if (/^05[abc]-/.test(file)) {
        // No SDP answer (486/404/CANCEL): no media findings.
        expect(r.findings.filter((f) => /rtp-|one-way|latching/.test(f.ruleId))).toEqual([]);
      }
      for (const v of r.verdicts) expect(v.summary.length).toBeGreaterThan(0);
    });
  }

  for (const file of CLEAN) {
    it(`${file}: no NAT finding`, async () => {
      const { r } = await run(join(LAB, file));
      expect(r.findings).toEqual([]);
      expect(r.verdicts).toEqual([]);
    });
  }

  it('every lab capture is covered by an expectation', () => {
    const files = readdirSync(LAB).filter((f) => /\.pcap(ng)?$/.test(f));
    for (const f of files) expect(f in EXPECTED || CLEAN.includes(f), f).toBe(true);
  });

  it('06: bob (global IPv6, no NAT) gets no finding; 02 merged: one finding per message, not per copy', async () => {
    const v6 = (await run(join(LAB, '06-call-ipv6-nat66-pub.pcap'))).r;
    expect(v6.findings.filter((f) => f.callIndex === 0)).toEqual([]);
    expect(v6.findings.filter((f) => f.ruleId === 'nat/via-source-mismatch' && /bob/.test(f.message))).toEqual([]);
    const merged = (await run(join(LAB, '02-call-private-sdp-merged.pcapng'))).r;
    const pub = (await run(join(LAB, '02-call-private-sdp-pub.pcap'))).r;
    const count = (r: CaptureLintResult, id: string) => r.findings.filter((f) => f.ruleId === id).length;
    for (const id of ['nat/sdp-private-public-source', 'nat/via-source-mismatch', 'nat/rtp-unreachable', 'nat/one-way-audio', 'nat/rtp-source-mismatch']) {
      expect(count(merged, id), id).toBe(count(pub, id));
    }
  });

  it('verdict lines name who is behind NAT and who cannot hear whom', async () => {
    const r = (await run(join(LAB, '02-call-private-sdp-pub.pcap'))).r;
    const v = r.verdicts.find((x) => x.findings.some((f) => f.ruleId === 'nat/one-way-audio'))!;
    expect(v.summary).toContain('caller behind NAT');
    expect(v.summary).toContain('proxy fixed Contact');
    expect(v.summary).toContain('RTP from callee never reached caller: SDP c= 192.168.1.10 is private');
    expect(v.frames).toEqual(expect.arrayContaining([9, 11, 20, 24]));
    const reg = (await run(join(LAB, '01b-register-norport-lost-reply-pub.pcap'))).r;
    expect(reg.verdicts[0]!.summary).toMatch(/alice behind NAT.*no rport.*replies sent to the Via port were lost.*REGISTER never completed/);
  });

  it('trusted networks silence the LAN addresses of the lab', async () => {
    const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(join(LAB, '02-call-private-sdp-pub.pcap')))));
    const r = await lintCapture(model, { ...DEFAULT_LINT_SETTINGS, trustedNetworks: ['192.168.1.0/24', '10.0.0.0/24'] });
    expect(r.findings.filter((f) => f.severity === 'error' || f.severity === 'warning')).toEqual([]);
  });
});

describe.runIf(existsSync(SAMPLES))('loopback samples: loopback is not NAT', () => {
  for (const file of ['calls-mixed-outcomes.pcap', 'call-via-proxy-tcp.pcap', 'register-auth.pcapng']) {
    it(file, async () => {
      const { r } = await run(join(SAMPLES, file));
      expect(r.findings).toEqual([]);
      expect(r.verdicts).toEqual([]);
      expect(r.stats.calls).toBe(0);
      expect(r.stats.sameHostCalls).toBeGreaterThan(0);
    });
  }
});

/** The team's reference recording: same scenarios, frames from /work/shared/lab/README.md (NAT ports differ). */
const SHARED: Record<string, Expect[]> = {
  '01-register-norport-pub.pcap': EXPECTED['01-register-norport-pub.pcap']!,
  '01b-register-norport-lost-reply-pub.pcap': [
    { rule: 'nat/response-via-port', frames: [3, 4, 5], text: /Via port/ },
    { rule: 'nat/transaction-incomplete', frames: [3, 6] },
  ],
  '01b-register-norport-lost-reply-lan1.pcap': EXPECTED['01b-register-norport-lost-reply-lan1.pcap']!,
  '02-call-private-sdp-pub.pcap': EXPECTED['02-call-private-sdp-pub.pcap']!,
  '02-call-private-sdp-merged.pcapng': EXPECTED['02-call-private-sdp-merged.pcapng']!,
  '05a-call-busy-486-pub.pcap': EXPECTED['05a-call-busy-486-pub.pcap']!,
  '05b-call-notfound-404-pub.pcap': EXPECTED['05b-call-notfound-404-pub.pcap']!,
  '05d-call-hold-reinvite-pub.pcap': [
    { rule: 'nat/sdp-private-public-source', frames: [9] },
    { rule: 'nat/sdp-private-public-source', frames: [191] },
    { rule: 'nat/sdp-private-public-source', frames: [194, 195] },
    { rule: 'nat/one-way-audio' },
  ],
};

describe.runIf(existsSync(SHARED_LAB))('team reference lab captures (/work/shared/lab/captures)', () => {
  for (const [file, want] of Object.entries(SHARED)) {
    it.runIf(existsSync(join(SHARED_LAB, file)))(file, async () => {
      const { r, records } = await run(join(SHARED_LAB, file));
      check(r, want, records);
      noDuplicates(r);
    });
  }
  for (const file of CLEAN) {
    it.runIf(existsSync(join(SHARED_LAB, file)))(`${file}: no NAT finding`, async () => {
      expect((await run(join(SHARED_LAB, file))).r.findings).toEqual([]);
    });
  }
});

describe.runIf(existsSync(CORPUS))('public corpus captures (read in place)', () => {
  it('sngrep_aaa: UA 192.168.1.2 behind NAT, signalling fixed by the servers (received=80.230.219.70;rport)', async () => {
    const p = join(CORPUS, 'sngrep_aaa.pcap');
    if (!existsSync(p)) return;
    const { r } = await run(p);
    const via = r.findings.filter((f) => f.ruleId === 'nat/via-source-mismatch');
    expect(via.length).toBeGreaterThan(0);
    for (const f of via) {
      expect(f.severity).toBe('info');
      expect(f.message).toContain('received=80.230.219.70');
    }
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('heplify_erspan: NAT seen by the server (180.173.83.248), answered to the source port', async () => {
    const p = join(CORPUS, 'heplify_erspan_sip_ipv4_udp.pcapng');
    if (!existsSync(p)) return;
    const { r } = await run(p);
    const via = r.findings.filter((f) => f.ruleId === 'nat/via-source-mismatch');
    expect(via.some((f) => f.message.includes('180.173.83.248'))).toBe(true);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('voipshark: a port unreachable after the BYE (closed RTP socket) is not one-way audio', async () => {
    const p = join(CORPUS, 'voipshark_SIP-RTP-Normal_Call_two_parties.pcap');
    if (!existsSync(p)) return;
    expect((await run(p)).r.findings).toEqual([]);
  });

  it('every corpus capture lints without throwing, with frames inside the capture', async () => {
    for (const f of readdirSync(CORPUS).filter((x) => /\.pcap(ng)?$/.test(x))) {
      const { r, records } = await run(join(CORPUS, f));
      for (const x of r.findings) for (const fr of x.frames ?? []) expect(fr >= 1 && fr <= records, `${f} ${x.ruleId} f${fr}`).toBe(true);
      noDuplicates(r);
    }
  });
});
