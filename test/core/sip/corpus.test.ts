// Corpus tests: every RFC 4475 / RFC 5118 torture message and the sip2json samples parse without throwing; valid
// ones give the right method/status, Call-ID, CSeq and top Via; each invalid one yields a problem naming its defect
// (from parseSipMessage or from the sub-parsers, see deepCheck) or exposes the data a lint rule needs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSipMessage } from '../../../src/core/sip/parse-message';
import { summarizeSipMessage } from '../../../src/core/sip/summary';
import { allVias, topVia } from '../../../src/core/sip/via';
import { parseUri } from '../../../src/core/sip/uri';
import { parseCSeq } from '../../../src/core/sip/cseq';
import { lookupHeader } from '../../../src/core/sip/header-table';
import { findSdpBodies, parseSdp } from '../../../src/core/sdp/parse-sdp';
import { deepCheck } from './helpers';

const CORPUS = '/work/shared/corpus/sip-messages';
const haveCorpus = existsSync(CORPUS);
if (!haveCorpus) console.warn(`[sip corpus tests] skipped: ${CORPUS} is absent`);

function load(dir: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS, dir, file)));
}

function labels(dir: string): Map<string, string> {
  const lines = readFileSync(join(CORPUS, dir, 'labels.tsv'), 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => l.split('\t')).map((c) => [c[0] as string, c[3] as string]));
}

interface Expect {
  start: string | number;
  callId: string;
  cseq: [number, string];
  via: { host: string; branch: string | undefined };
}

const VALID: Record<string, Expect> = {
  'rfc4475/wsinv.dat': { start: 'INVITE', callId: 'wsinv.ndaksdj@192.0.2.1', cseq: [9, 'INVITE'], via: { host: '192.0.2.2', branch: '390skdjuw' } },
  'rfc4475/esc01.dat': { start: 'INVITE', callId: 'esc01.239409asdfakjkn23onasd0-3234', cseq: [234234, 'INVITE'], via: { host: 'host5.example.net', branch: 'z9hG4bKkdjuw' } },
  'rfc4475/esc02.dat': { start: 'RE%47IST%45R', callId: 'esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf', cseq: [29344, 'RE%47IST%45R'], via: { host: 'host.example.com', branch: 'z9hG4bK209%fzsnel234' } },
  'rfc4475/lwsdisp.dat': { start: 'OPTIONS', callId: 'lwsdisp.1234abcd@funky.example.com', cseq: [60, 'OPTIONS'], via: { host: 'funky.example.com', branch: 'z9hG4bKkdjuw' } },
  'rfc4475/longreq.dat': {
    start: 'INVITE',
    callId: 'longreq.onereallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallylongcallid',
    cseq: [3882340, 'INVITE'],
    via: { host: 'sip33.example.com', branch: undefined },
  },
  'rfc4475/dblreq.dat': { start: 'REGISTER', callId: 'dblreq.0ha0isndaksdj99sdfafnl3lk233412', cseq: [8, 'REGISTER'], via: { host: '192.0.2.125', branch: 'z9hG4bKkdjuw23492' } },
  'rfc4475/semiuri.dat': { start: 'OPTIONS', callId: 'semiuri.0ha0isndaksdj', cseq: [8, 'OPTIONS'], via: { host: '192.0.2.1', branch: 'z9hG4bKkdjuw' } },
  'rfc4475/transports.dat': { start: 'OPTIONS', callId: 'transports.kijh4akdnaqjkwendsasfdj', cseq: [60, 'OPTIONS'], via: { host: 't1.example.com', branch: 'z9hG4bKkdjuw' } },
  'rfc4475/unreason.dat': { start: 200, callId: 'unreason.1234ksdfak3j2erwedfsASdf', cseq: [35, 'INVITE'], via: { host: '192.0.2.198', branch: 'z9hG4bK1324923' } },
  'rfc5118/ipv6-good.dat': { start: 'REGISTER', callId: 'SSG9559905523997077@hlau_4100', cseq: [98176, 'REGISTER'], via: { host: '[2001:db8::9:1]', branch: 'z9hG4bKas3-111' } },
  'rfc5118/port-unambiguous.dat': { start: 'REGISTER', callId: 'SSG9559905523997077@hlau_4100', cseq: [98176, 'REGISTER'], via: { host: '[2001:db8::9:1]', branch: 'z9hG4bKas3-111' } },
  'rfc5118/via-received-param-with-delim.dat': { start: 'BYE', callId: 'SSG9559905523997077@hlau_4100', cseq: [321, 'BYE'], via: { host: '[2001:db8::9:1]', branch: 'z9hG4bKas3-111' } },
  'rfc5118/ipv6-in-sdp.dat': { start: 'INVITE', callId: 'SSG9559905523997077@hlau_4100', cseq: [8612, 'INVITE'], via: { host: '[2001:db8::20]', branch: 'z9hG4bKas3-111' } },
  'rfc5118/mult-ip-in-header.dat': { start: 'BYE', callId: '997077@lau_4100', cseq: [89187, 'BYE'], via: { host: '[2001:db8::9:1]', branch: 'z9hG4bKas3-111' } },
  'rfc5118/ipv4-mapped-ipv6.dat': { start: 'INVITE', callId: 'SSG9559905523997077@hlau_4100', cseq: [612, 'INVITE'], via: { host: '[::ffff:192.0.2.10]', branch: 'z9hG4bKbh19' } },
  'rfc5118/ipv6-correct-abnf-2-colons.dat': { start: 'OPTIONS', callId: 'G9559905523997077@hlau_4100', cseq: [689, 'OPTIONS'], via: { host: 'lab1.east.example.com', branch: 'z9hG4bKas3-111' } },
};

/** Invalid RFC 4475 messages -> problem codes that name the defect (from parseSipMessage or the sub-parsers). */
const INVALID_CODES: Record<string, string[]> = {
  'badinv01.dat': ['sip/empty-param', 'sip/via-bad-sent-protocol', 'sip/empty-list-element'],
  'ncl.dat': ['sip/bad-content-length'],
  'scalar02.dat': ['sip/cseq-too-large', 'sip/max-forwards-too-large', 'sip/delta-seconds-too-large'],
  'scalarlg.dat': ['sip/cseq-too-large', 'sip/delta-seconds-too-large'],
  'ltgtruri.dat': ['sip/bad-request-uri'],
  'lwsstart.dat': ['sip/start-line-whitespace'],
  'trws.dat': ['sip/start-line-whitespace'],
  'regbadct.dat': ['sip/addr-spec-needs-angle-brackets'],
  'badaspec.dat': ['sip/addr-spec-whitespace'],
  'baddn.dat': ['sip/display-name-bad-char'],
};

describe.skipIf(!haveCorpus)('SIP torture corpus', () => {
  const files: string[] = [];
  if (haveCorpus) {
    for (const dir of ['rfc4475', 'rfc5118', 'sip2json']) {
      for (const f of readdirSync(join(CORPUS, dir))) if (f.endsWith('.dat') || f.endsWith('.sip')) files.push(`${dir}/${f}`);
    }
  }

  it('finds the corpus files', () => {
    expect(files.filter((f) => f.startsWith('rfc4475/')).length).toBeGreaterThanOrEqual(34);
    expect(files.filter((f) => f.startsWith('rfc5118/')).length).toBe(8);
  });

  for (const f of files) {
    it(`${f} parses, summarises and deep-checks without throwing`, () => {
      const [dir, name] = f.split('/') as [string, string];
      const bytes = load(dir, name);
      const r = parseSipMessage(bytes);
      expect(r.message.kind).not.toBe('invalid');
      expect(r.problems.filter((p) => p.code === 'sip/internal-error')).toEqual([]);
      const s = summarizeSipMessage(r.message);
      expect(s.kind).toBe(r.message.kind);
      const d = deepCheck(bytes);
      for (const p of d.problems) {
        expect(p.span.start).toBeGreaterThanOrEqual(0);
        expect(p.span.end).toBeLessThanOrEqual(bytes.length);
        expect(p.span.end).toBeGreaterThanOrEqual(p.span.start);
      }
      for (const body of findSdpBodies(r.message)) parseSdp(body.bytes, body.start);
    });
  }

  for (const [f, e] of Object.entries(VALID)) {
    it(`${f}: start line, Call-ID, CSeq, top Via`, () => {
      const [dir, name] = f.split('/') as [string, string];
      const { message: m, problems } = parseSipMessage(load(dir, name));
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      if (typeof e.start === 'number') expect(m.statusCode).toBe(e.start);
      else expect(m.method).toBe(e.start);
      const s = summarizeSipMessage(m);
      expect(s.callId).toBe(e.callId);
      expect([s.cseqSeq, s.cseqMethod]).toEqual(e.cseq);
      const v = topVia(m)!;
      expect({ host: v.host, branch: v.branch }).toEqual(e.via);
    });
  }

  it('valid RFC 4475 messages have no error from the deep check either', () => {
    const l = labels('rfc4475');
    for (const [name, cls] of l) {
      if (cls !== 'valid') continue;
      const errors = deepCheck(load('rfc4475', name)).problems.filter((p) => p.severity === 'error');
      expect([name, errors]).toEqual([name, []]);
    }
  });

  it('every invalid RFC 4475 message is reported with a problem naming its defect', () => {
    const l = labels('rfc4475');
    const invalid = [...l].filter(([, c]) => c === 'invalid').map(([n]) => n);
    const semantic = ['escruri.dat', 'mismatch01.dat', 'mismatch02.dat'];
    expect(new Set(invalid)).toEqual(new Set([...Object.keys(INVALID_CODES), ...semantic]));
    for (const [name, want] of Object.entries(INVALID_CODES)) {
      const got = deepCheck(load('rfc4475', name)).problems.filter((p) => p.severity === 'error').map((p) => p.code);
      for (const c of want) expect([name, got.includes(c)]).toEqual([name, true]);
    }
  });

  it('escruri / mismatch01 / mismatch02: the data a lint rule needs is exposed', () => {
    // §3.1.2.11: headers are not allowed in a Request-URI (RFC 3261 §19.1.1 table).
    const esc = parseSipMessage(load('rfc4475', 'escruri.dat')).message;
    const u = parseUri(esc.bytes, 0, esc.requestUriSpan!.start, esc.requestUriSpan!.end);
    expect(u.value!.headers).toBe('Route=%3Csip:example.com%3E');
    // §3.1.2.17/18: CSeq method differs from the request method.
    for (const name of ['mismatch01.dat', 'mismatch02.dat']) {
      const m = parseSipMessage(load('rfc4475', name)).message;
      const h = m.header('cseq')!;
      const c = parseCSeq(m.bytes, 0, h.valueSpan.start, h.valueSpan.end).value!;
      expect(c.method).toBe('INVITE');
      expect(m.method).not.toBe(c.method);
    }
  });

  it('application-layer messages expose what their rules need', () => {
    // insuf: missing Call-ID / From / To / Max-Forwards.
    const insuf = parseSipMessage(load('rfc4475', 'insuf.dat')).message;
    expect(['call-id', 'from', 'to', 'max-forwards'].map((n) => insuf.header(n))).toEqual([undefined, undefined, undefined, undefined]);
    // multi01: duplicated single-valued headers.
    const multi = parseSipMessage(load('rfc4475', 'multi01.dat')).message;
    const dups = new Set(multi.headers.filter((h) => lookupHeader(h.canonical)?.single === true && multi.headersNamed(h.canonical).length > 1).map((h) => h.canonical));
    expect([...dups].sort()).toEqual(['call-id', 'cseq', 'from', 'max-forwards', 'to']);
    // badbranch: branch is only the magic cookie; inv2543: no branch at all.
    expect(topVia(parseSipMessage(load('rfc4475', 'badbranch.dat')).message)!.branch).toBe('z9hG4bK');
    expect(topVia(parseSipMessage(load('rfc4475', 'inv2543.dat')).message)!.branch).toBeUndefined();
    // bcast: broadcast sent-by in the second Via.
    expect(allVias(parseSipMessage(load('rfc4475', 'bcast.dat')).message).map((v) => v.host)).toEqual(['192.0.2.198', '255.255.255.255']);
    // novelsc / unksm2: atypical schemes kept raw.
    expect(summarizeSipMessage(parseSipMessage(load('rfc4475', 'novelsc.dat')).message).requestUri).toBe('soap.beep://192.0.2.103:3002');
    const unk = summarizeSipMessage(parseSipMessage(load('rfc4475', 'unksm2.dat')).message);
    expect([unk.toUri, unk.fromUri, unk.contactUris]).toEqual(['isbn:2983792873', 'http://www.example.com', ['name:John_Smith']]);
    // invut: unknown Content-Type.
    expect(summarizeSipMessage(parseSipMessage(load('rfc4475', 'invut.dat')).message)).toMatchObject({ contentType: 'application/unknownformat', hasSdp: false });
    // dblreq: Content-Length 0 then a second request in the same datagram: no SDP for the REGISTER.
    expect(summarizeSipMessage(parseSipMessage(load('rfc4475', 'dblreq.dat')).message).hasSdp).toBe(false);
    // longreq: 34 via-parms; compact and odd-case names all found.
    const lr = parseSipMessage(load('rfc4475', 'longreq.dat')).message;
    expect(allVias(lr)).toHaveLength(34);
    expect(summarizeSipMessage(lr).viaCount).toBe(34);
    // transports: unknown transport kept.
    expect(allVias(parseSipMessage(load('rfc4475', 'transports.dat')).message).map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });

  it('RFC 5118 §4.10 three-colon form: warning, not error', () => {
    const d = deepCheck(load('rfc5118', 'ipv6-bug-abnf-3-colons.dat'));
    expect(d.problems.map((p) => [p.code, p.severity])).toEqual([
      ['sip/uri-bad-ipv6', 'warning'],
      ['sip/uri-bad-ipv6', 'warning'],
    ]);
  });

  it('wsinv: folding, compact forms and LWS everywhere', () => {
    const m = parseSipMessage(load('rfc4475', 'wsinv.dat')).message;
    expect(m.header('to')!.value).toBe('sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
    expect(m.header('NewFangledHeader')!.value).toBe('newfangled value continued newfangled value');
    expect(m.header('subject')!.value).toBe('');
    const s = summarizeSipMessage(m);
    expect([s.toTag, s.fromTag, s.fromDisplay, s.maxForwards, s.contactUris]).toEqual(['1918181833n', '98asjd8', 'J Rosenberg \\"', 68, ['sip:jdrosen@example.com']]);
    expect(allVias(m).map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
  });

  it('sip2json: invalid start line version is a warning; LF line endings', () => {
    const r = parseSipMessage(load('sip2json', 'Test_invalid_startline.sip'));
    expect(r.message.lineEnding).toBe('LF');
    expect(r.problems.map((p) => p.code)).toEqual(['sip/unsupported-version']);
    const n = parseSipMessage(load('sip2json', 'NOTIFY_SDP_multi_1.sip')).message;
    const bodies = findSdpBodies(n);
    expect(bodies).toHaveLength(1);
    expect(parseSdp(bodies[0]!.bytes, bodies[0]!.start).session.media.length).toBeGreaterThan(1);
  });
});
