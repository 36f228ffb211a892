// RFC 4475 and RFC 5118 torture messages from the shared corpus (/work/shared/corpus, never copied into the repo):
// every valid message lints without error-level findings, every invalid one has an error naming its defect.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/rules/types';
import { lintDocument, lintMessage } from '../../../src/core/rules/run';
import { messageFromBytes } from '../../../src/core/trace/split-trace';

const CORPUS = '/work/shared/corpus/sip-messages';
const present = existsSync(join(CORPUS, 'rfc4475', 'labels.tsv'));
if (!present) console.warn(`corpus tests skipped: ${CORPUS} not found (the shared corpus is not part of the repository)`);

/** The rule that must report each invalid (or rejectable) message: the defect the RFC describes. */
const EXPECTED_RULE: Record<string, string> = {
  // RFC 4475 §3.1.2 (invalid)
  'badinv01.dat': 'sip/via', // ";;,;,," separators in Via (and Contact)
  'clerr.dat': 'sip/content-length', // Content-Length larger than the message
  'ncl.dat': 'sip/content-length', // negative Content-Length
  'scalar02.dat': 'sip/cseq', // overlarge CSeq (also Max-Forwards, Expires)
  'scalarlg.dat': 'sip/cseq', // overlarge CSeq in a response (also Retry-After, Warning code)
  'quotbal.dat': 'sip/name-addr', // unterminated quoted display name
  'ltgtruri.dat': 'sip/request-uri', // Request-URI in <>
  'lwsruri.dat': 'sip/request-uri', // LWS inside the Request-URI
  'lwsstart.dat': 'sip/start-line', // several SP between Request-Line elements
  'trws.dat': 'sip/start-line', // SP after SIP/2.0
  'escruri.dat': 'sip/request-uri', // escaped headers in the Request-URI
  'baddate.dat': 'sip/date', // time zone other than GMT
  'regbadct.dat': 'sip/name-addr', // Contact URI with "?" not in <>
  'badaspec.dat': 'sip/name-addr', // spaces inside <>
  'baddn.dat': 'sip/name-addr', // non-token display name not quoted
  'badvers.dat': 'sip/sip-version', // SIP/7.0
  'mismatch01.dat': 'sip/cseq-method', // OPTIONS with CSeq INVITE
  'mismatch02.dat': 'sip/cseq-method', // unknown method with CSeq INVITE
  'bigcode.dat': 'sip/status-code', // 4294967301
  // RFC 4475 §3.2 / §3.3 that a receiver rejects (400): we report them as errors too
  'badbranch.dat': 'sip/via-branch', // branch is only "z9hG4bK"
  'insuf.dat': 'sip/required-headers', // no To, From, Call-ID
  'multi01.dat': 'sip/duplicate-header', // two CSeq, Call-ID, To, From, Max-Forwards
  'mcl01.dat': 'sip/duplicate-header', // two Content-Length values
  // RFC 5118 §4.2 (invalid)
  'ipv6-bad.dat': 'sip/ipv6-reference',
};

/** Classes other than valid/invalid (RFC 4475 §3.2-3.4, RFC 5118 §4.10): message that must NOT get errors. */
const NO_ERROR_BEYOND_VALID: ReadonlySet<string> = new Set([
  'bcast.dat', // Via 255.255.255.255: an application-layer matter
  'cparam01.dat',
  'cparam02.dat',
  'novelsc.dat', // scheme warning only (416 is the UAS's choice)
  'unkscm.dat',
  'unksm2.dat',
  'invut.dat',
  'regaut01.dat',
  'sdp01.dat',
  'inv2543.dat', // RFC 2543 syntax: warnings (no Max-Forwards, branch, tags, Contact) but parseable
  'zeromf.dat',
  'bext01.dat',
  'regescrt.dat',
  'ipv6-bug-abnf-3-colons.dat', // ":::" accepted liberally (warning)
]);

/** RFC 5118 transcriptions whose Content-Length does not match the CRLF body (MANIFEST caveat): not graded. */
const CL_NOT_GRADED: ReadonlySet<string> = new Set(['ipv6-in-sdp.dat', 'ipv4-mapped-ipv6.dat']);

interface Label {
  file: string;
  section: string;
  title: string;
  cls: string;
}

function labels(dir: string): Label[] {
  const text = readFileSync(join(CORPUS, dir, 'labels.tsv'), 'utf8');
  const rows = text.split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
  const out = rows.map((l) => {
    const [file, section, title, cls] = l.split('\t');
    return { file: file ?? '', section: section ?? '', title: title ?? '', cls: cls ?? '' };
  });
  // Files present without a label (held-out additions) are graded by EXPECTED_RULE / valid when unknown.
  for (const f of readdirSync(join(CORPUS, dir)).filter((x) => x.endsWith('.dat'))) {
    if (!out.some((o) => o.file === f)) out.push({ file: f, section: '?', title: '(unlabelled)', cls: EXPECTED_RULE[f] ? 'invalid' : 'valid' });
  }
  return out;
}

function errors(fs: readonly Finding[], file: string): Finding[] {
  return fs.filter((f) => f.severity === 'error' && !(CL_NOT_GRADED.has(file) && f.ruleId === 'sip/content-length'));
}

/** Each .dat is one UDP datagram: linted as one message (octets after Content-Length are extra, RFC 3261 §18.3). */
function lintFile(dir: string, file: string): Finding[] {
  const bytes = new Uint8Array(readFileSync(join(CORPUS, dir, file)));
  return lintMessage(messageFromBytes(bytes));
}

function grade(dir: string): void {
  for (const l of labels(dir)) {
    const expected = EXPECTED_RULE[l.file];
    if (l.cls === 'valid' || (NO_ERROR_BEYOND_VALID.has(l.file) && expected === undefined)) {
      it(`${l.file} (§${l.section} ${l.title}, ${l.cls}): no error-level findings`, () => {
        const errs = errors(lintFile(dir, l.file), l.file);
        expect(errs.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
      });
    } else {
      it(`${l.file} (§${l.section} ${l.title}, ${l.cls}): error ${expected ?? '(any)'}`, () => {
        const errs = errors(lintFile(dir, l.file), l.file);
        expect(errs.length, 'expected at least one error-level finding').toBeGreaterThan(0);
        if (expected !== undefined) expect(errs.map((f) => f.ruleId)).toContain(expected);
      });
    }
  }
}

describe.skipIf(!present)('RFC 4475 SIP torture messages', () => {
  grade('rfc4475');

  it('linting each file as a document (splitTrace) gives the same errors, except dblreq whose trailing INVITE becomes a 2nd message', () => {
    for (const l of labels('rfc4475')) {
      const bytes = new Uint8Array(readFileSync(join(CORPUS, 'rfc4475', l.file)));
      const doc = lintDocument(bytes, 'sip');
      const single = lintFile('rfc4475', l.file);
      if (l.file === 'dblreq.dat') {
        expect(doc.messages.length).toBe(2);
        expect(errors(doc.findings.filter((f) => (f.span?.start ?? 0) < (doc.messages[1]?.span.start ?? 0)), l.file)).toEqual([]);
        continue;
      }
      expect(doc.messages.length, l.file).toBe(1);
      expect(errors(doc.findings, l.file).map((f) => f.ruleId).sort(), l.file).toEqual(errors(single, l.file).map((f) => f.ruleId).sort());
    }
  });
});

describe.skipIf(!present)('RFC 5118 SIP IPv6 torture messages', () => {
  grade('rfc5118');
});
