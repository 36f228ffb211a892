// Unit tests for parseSipMessage: start lines, header spans, folding, compact forms, line endings, problems.
import { describe, expect, it } from 'vitest';
import { bodySpan, headerDef, parseFieldValue, parseSipMessage, spanText } from '../../../src/core/sip/parse-message';
import { parseViaListRange } from '../../../src/core/sip/via';
import { codes, enc, parse, text } from './helpers';

const INVITE = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\r\n',
].join('\r\n');

describe('parseSipMessage: requests and responses', () => {
  it('parses a request line, headers with spans and the body', () => {
    const { message: m, problems } = parse(INVITE);
    expect(problems).toEqual([]);
    expect(m.kind).toBe('request');
    expect(m.method).toBe('INVITE');
    expect(m.requestUri).toBe('sip:bob@biloxi.example.com');
    expect(text(m, m.requestUriSpan)).toBe('sip:bob@biloxi.example.com');
    expect(m.version).toBe('SIP/2.0');
    expect(m.statusCode).toBeUndefined();
    expect(text(m, m.startLine)).toBe('INVITE sip:bob@biloxi.example.com SIP/2.0');
    expect(m.headers.map((h) => h.canonical)).toEqual([
      'via', 'max-forwards', 'to', 'from', 'call-id', 'cseq', 'contact', 'content-type', 'content-length',
    ]);
    const via = m.header('Via')!;
    expect(via.name).toBe('Via');
    expect(text(m, via.nameSpan)).toBe('Via');
    expect(text(m, via.valueSpan)).toBe('SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds');
    expect(text(m, via.lineSpan)).toBe('Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds');
    expect(m.header('call-id')!.value).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(text(m, m.body)).toBe('v=0\r\n');
    expect(m.bodyStart).toBe(m.body.start);
    expect(m.lineEnding).toBe('CRLF');
  });

  it('parses status lines, including empty and UTF-8 reason phrases', () => {
    const a = parse('SIP/2.0 180 Ringing\r\nCall-ID: x\r\n\r\n').message;
    expect([a.kind, a.statusCode, a.reason, a.method, a.requestUri]).toEqual(['response', 180, 'Ringing', undefined, undefined]);
    const b = parse('SIP/2.0 200 \r\n\r\n');
    expect([b.message.statusCode, b.message.reason]).toEqual([200, '']);
    expect(b.problems).toEqual([]);
    const c = parse('SIP/2.0 200 Всё хорошо\r\n\r\n');
    expect(c.message.reason).toBe('Всё хорошо');
    expect(c.problems).toEqual([]);
  });

  it('reports a Status-Line without SP before an empty reason as a warning', () => {
    const r = parse('SIP/2.0 200\r\n\r\n');
    expect(r.message.kind).toBe('response');
    expect(r.message.reason).toBe('');
    expect(codes(r.problems)).toEqual(['sip/missing-reason-phrase']);
  });

  it('reports status codes outside 100-699 but keeps them', () => {
    const r = parse('SIP/2.0 099 Odd\r\n\r\n');
    expect(r.message.statusCode).toBe(99);
    expect(codes(r.problems)).toEqual(['sip/bad-status-code']);
    expect(r.problems[0]!.span).toEqual({ start: 8, end: 11 });
  });

  it('keeps method case as written and interns common methods', () => {
    const r = parse('NOTiFY sip:a@b SIP/2.0\r\n\r\n');
    expect(r.message.method).toBe('NOTiFY');
    expect(r.problems).toEqual([]);
  });

  it('reports other SIP versions as a warning', () => {
    const r = parse('OPTIONS sip:a@b SIP/2.1\r\n\r\n');
    expect(r.message.kind).toBe('request');
    expect(r.message.version).toBe('SIP/2.1');
    expect(codes(r.problems)).toEqual(['sip/unsupported-version']);
    // RFC 3261 §7.1: SIP-Version is case-insensitive.
    expect(parse('OPTIONS sip:a@b sip/2.0\r\n\r\n').problems).toEqual([]);
    expect(parse('sip/2.0 200 OK\r\n\r\n').message.kind).toBe('response');
  });
});

describe('parseSipMessage: bad start lines (precise reasons)', () => {
  const cases: [string, RegExp][] = [
    ['HTTP/1.1 200 OK', /another protocol/],
    ['GET / HTTP/1.1', /not a SIP-Version/],
    ['INVITE', /only a method/],
    ['INVITE sip:a@b', /no SIP-Version/],
    ['SIP/2.0', /no Status-Code/],
    ['SIP/2.0 20 OK', /exactly 3 digits/],
    ['SIP/2.0 2000 OK', /exactly 3 digits/],
    ['SIP/x.0 200 OK', /malformed SIP-Version/],
    [' INVITE sip:a@b SIP/2.0', /begins with whitespace/],
    ['@INVITE sip:a@b SIP/2.0', /method token/],
    ['INV:ITE sip:a@b SIP/2.0', /not a token/],
  ];
  for (const [line, why] of cases) {
    it(`"${line}"`, () => {
      const r = parse(`${line}\r\nCall-ID: 1\r\n\r\n`);
      expect(r.message.kind).toBe('invalid');
      const p = r.problems.find((x) => x.code === 'sip/bad-start-line');
      expect(p?.message).toMatch(why);
      expect(p?.severity).toBe('error');
      // Headers are still parsed.
      expect(r.message.header('call-id')?.value).toBe('1');
    });
  }

  it('recovers from multiple SP and trailing SP (RFC 4475 lwsstart / trws) and reports them', () => {
    const a = parse('INVITE  sip:a@b  SIP/2.0\r\n\r\n');
    expect([a.message.kind, a.message.method, a.message.requestUri, a.message.version]).toEqual(['request', 'INVITE', 'sip:a@b', 'SIP/2.0']);
    expect(codes(a.problems)).toEqual(['sip/start-line-whitespace', 'sip/start-line-whitespace']);
    expect(a.problems.map((p) => p.span)).toEqual([{ start: 6, end: 8 }, { start: 15, end: 17 }]);
    const b = parse('OPTIONS sip:a@b SIP/2.0  \r\n\r\n');
    expect(b.message.requestUri).toBe('sip:a@b');
    expect(b.problems.map((p) => [p.code, p.span.start, p.span.end])).toEqual([['sip/start-line-whitespace', 23, 25]]);
  });

  it('reports a Request-URI in <> (RFC 4475 ltgtruri) and one containing spaces', () => {
    const a = parse('INVITE <sip:a@b> SIP/2.0\r\n\r\n');
    expect(a.message.requestUri).toBe('<sip:a@b>');
    expect(codes(a.problems)).toEqual(['sip/bad-request-uri']);
    const b = parse('INVITE sip:a b@c SIP/2.0\r\n\r\n');
    expect(b.message.requestUri).toBe('sip:a b@c');
    expect(codes(b.problems)).toContain('sip/bad-request-uri');
  });

  it('handles empty input and input with only line breaks', () => {
    expect(codes(parseSipMessage(new Uint8Array(0)).problems)).toEqual(['sip/empty-message']);
    const r = parse('\r\n\r\n');
    expect(r.message.kind).toBe('invalid');
    expect(codes(r.problems)).toEqual(['sip/empty-message']);
  });

  it('skips CRLFs before the start line (RFC 3261 §7.5) with an info', () => {
    const r = parse('\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n\r\n');
    expect(r.message.kind).toBe('request');
    expect(r.problems.map((p) => [p.code, p.severity])).toEqual([['sip/leading-crlf', 'info']]);
    expect(r.message.startLine).toEqual({ start: 4, end: 27 });
  });
});

describe('parseSipMessage: header fields', () => {
  it('expands compact forms and accepts full or compact names in any case', () => {
    const m = parse('OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h\r\nI: abc\r\nl: 0\r\nf: <sip:x@y>\r\nT: <sip:z@w>\r\nm: <sip:c@d>\r\nk: timer\r\nx: 90\r\no: presence\r\nu: dialog\r\nr: <sip:t@u>\r\nb: <sip:v@w>\r\ne: gzip\r\nc: text/plain\r\ns: hi\r\n\r\n').message;
    expect(m.headers.map((h) => h.canonical)).toEqual([
      'via', 'call-id', 'content-length', 'from', 'to', 'contact', 'supported', 'session-expires', 'event', 'allow-events',
      'refer-to', 'referred-by', 'content-encoding', 'content-type', 'subject',
    ]);
    expect(m.header('i')?.value).toBe('abc');
    expect(m.header('CALL-ID')?.name).toBe('I');
    expect(m.header('v')?.canonical).toBe('via');
    expect(m.header('Via')?.value).toBe('SIP/2.0/UDP h');
    expect(m.header('referred-by')?.name).toBe('b');
    expect(m.header('nope')).toBeUndefined();
    expect(headerDef(m.header('t')!)?.display).toBe('To');
  });

  it('lower-cases unknown names for canonical and finds them case-insensitively', () => {
    const m = parse('OPTIONS sip:a@b SIP/2.0\r\nX-Foo: 1\r\nx-foo: 2\r\nX-FOO: 3\r\n\r\n').message;
    expect(m.headers.map((h) => [h.name, h.canonical])).toEqual([['X-Foo', 'x-foo'], ['x-foo', 'x-foo'], ['X-FOO', 'x-foo']]);
    expect(m.headersNamed('X-foo').map((h) => h.value)).toEqual(['1', '2', '3']);
    expect(m.header('x-FOO')?.value).toBe('1');
  });

  it('accepts whitespace before the colon (RFC 3261 §25.1 HCOLON) and trims the value', () => {
    const r = parse('OPTIONS sip:a@b SIP/2.0\r\nVia  :   SIP/2.0/UDP h   \r\nv :x\r\n\r\n');
    expect(r.problems).toEqual([]);
    const [a, b] = r.message.headers;
    expect(text(r.message, a!.nameSpan)).toBe('Via');
    expect(text(r.message, a!.valueSpan)).toBe('SIP/2.0/UDP h');
    // lineSpan is the whole physical field up to (not including) its line end, trailing whitespace included.
    expect(text(r.message, a!.lineSpan)).toBe('Via  :   SIP/2.0/UDP h   ');
    expect(b!.canonical).toBe('via');
    expect(b!.value).toBe('x');
  });

  it('folds continuation lines into one SP (RFC 3261 §7.3.1) and spans cover all lines', () => {
    const src = 'OPTIONS sip:a@b SIP/2.0\r\nSubject: I know you\'re there,\r\n   pick up the phone\r\n\tand talk to me!\r\nContact:\r\n  <sip:c@d>\r\n\r\n';
    const r = parse(src);
    expect(r.problems).toEqual([]);
    const subj = r.message.header('subject')!;
    expect(subj.value).toBe("I know you're there, pick up the phone and talk to me!");
    expect(text(r.message, subj.valueSpan)).toBe("I know you're there,\r\n   pick up the phone\r\n\tand talk to me!");
    expect(text(r.message, subj.lineSpan)).toBe("Subject: I know you're there,\r\n   pick up the phone\r\n\tand talk to me!");
    const contact = r.message.header('contact')!;
    expect(contact.value).toBe('<sip:c@d>');
    expect(text(r.message, contact.valueSpan)).toBe('<sip:c@d>');
  });

  it('handles empty values', () => {
    const r = parse('OPTIONS sip:a@b SIP/2.0\r\ns :\r\nX-Empty:\r\nSubject:   \r\n\r\n');
    expect(r.problems).toEqual([]);
    expect(r.message.headers.map((h) => [h.canonical, h.value, h.valueSpan.end - h.valueSpan.start])).toEqual([
      ['subject', '', 0],
      ['x-empty', '', 0],
      ['subject', '', 0],
    ]);
  });

  it('decodes UTF-8 values lazily and keeps byte spans', () => {
    const r = parse('MESSAGE sip:a@b SIP/2.0\r\nSubject: Grüße 🎉\r\nTo: "Zoë" <sip:z@w>\r\n\r\n');
    expect(r.problems).toEqual([]);
    const s = r.message.header('subject')!;
    expect(s.value).toBe('Grüße 🎉');
    expect(s.valueSpan.end - s.valueSpan.start).toBe(enc.encode('Grüße 🎉').length);
  });

  it('stops at the first empty line; the body is the rest (Content-Length not applied)', () => {
    const r = parse('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nabcdef');
    expect(spanText(r.message, r.message.body)).toBe('abcdef');
    expect(bodySpan(r.message)).toEqual({ start: r.message.body.start, end: r.message.body.start + 2 });
    expect(r.message.header('content-length')?.value).toBe('2');
  });

  it('bodySpan falls back to the whole body when Content-Length is invalid or too large', () => {
    const a = parse('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\nabc').message;
    expect(bodySpan(a)).toEqual(a.body);
    const b = parse('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99\r\n\r\nabc').message;
    expect(bodySpan(b)).toEqual(b.body);
  });

  it('accepts LF-only and mixed line endings', () => {
    const a = parse('OPTIONS sip:a@b SIP/2.0\nCall-ID: 1\nSubject: x\n  y\n\nbody');
    expect(a.problems).toEqual([]);
    expect(a.message.lineEnding).toBe('LF');
    expect(a.message.header('subject')!.value).toBe('x y');
    expect(spanText(a.message, a.message.body)).toBe('body');
    const b = parse('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\nCSeq: 1 OPTIONS\r\n\nbody');
    expect(b.message.lineEnding).toBe('mixed');
    expect(b.message.header('cseq')!.value).toBe('1 OPTIONS');
    expect(spanText(b.message, b.message.body)).toBe('body');
  });

  it('applies baseOffset to every span (message cut from a document)', () => {
    const doc = enc.encode('garbage before\r\n' + INVITE);
    const start = 16;
    const r = parseSipMessage(doc.subarray(start), { baseOffset: start });
    expect(r.message.baseOffset).toBe(start);
    expect(r.message.startLine.start).toBe(start);
    const via = r.message.header('via')!;
    expect(new TextDecoder().decode(doc.subarray(via.valueSpan.start, via.valueSpan.end))).toBe(
      'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    );
    expect(spanText(r.message, via.nameSpan)).toBe('Via');
    const vias = parseFieldValue(r.message, via, parseViaListRange);
    expect(new TextDecoder().decode(doc.subarray(vias[0]!.sentBySpan.start, vias[0]!.sentBySpan.end))).toBe('pc33.atlanta.example.com');
  });

  it('serialises to JSON with decoded values', () => {
    const j = JSON.parse(JSON.stringify(parse('SIP/2.0 200 OK\r\nv: SIP/2.0/UDP h\r\n\r\n').message)) as {
      headers: { name: string; canonical: string; value: string }[];
      reason: string;
    };
    expect(j.reason).toBe('OK');
    expect(j.headers[0]).toMatchObject({ name: 'v', canonical: 'via', value: 'SIP/2.0/UDP h' });
  });
});

describe('parseSipMessage: header problems', () => {
  it('reports a header line without colon and goes on', () => {
    const r = parse('OPTIONS sip:a@b SIP/2.0\r\nThis is not a header\r\nCall-ID: 1\r\n\r\n');
    expect(codes(r.problems)).toEqual(['sip/header-missing-colon']);
    expect(text(r.message, r.problems[0]!.span)).toBe('This is not a header');
    expect(r.message.header('call-id')!.value).toBe('1');
  });

  it('reports an empty header name', () => {
    const r = parse('OPTIONS sip:a@b SIP/2.0\r\n: value\r\n\r\n');
    expect(codes(r.problems)).toEqual(['sip/empty-header-name']);
    expect(r.message.headers[0]!.canonical).toBe('');
    expect(r.message.headers[0]!.value).toBe('value');
  });

  it('reports non-token characters in a header name but keeps the field', () => {
    const r = parse('OPTIONS sip:a@b SIP/2.0\r\nCall@ID: 1\r\n\r\n');
    expect(codes(r.problems)).toEqual(['sip/bad-header-name']);
    expect(r.message.headers[0]!.name).toBe('Call@ID');
    expect(r.message.headers[0]!.value).toBe('1');
  });

  it('reports a continuation line with no field before it', () => {
    const r = parse('OPTIONS sip:a@b SIP/2.0\r\n  orphan\r\nCall-ID: 1\r\n\r\n');
    expect(codes(r.problems)).toEqual(['sip/continuation-without-header']);
    expect(r.message.header('call-id')!.value).toBe('1');
  });

  it('reports NUL bytes, control characters and bare CR', () => {
    const b = enc.encode('OPTIONS sip:a@b SIP/2.0\r\nSubject: a\0b\x01c\rd\r\n\r\n');
    const r = parseSipMessage(b);
    expect(codes(r.problems)).toEqual(['sip/nul-byte', 'sip/control-char', 'sip/bare-cr']);
    expect(r.problems[0]!.span).toEqual({ start: 35, end: 36 });
    const s = parseSipMessage(enc.encode('OPTIONS sip:a\0@b SIP/2.0\r\n\r\n'));
    expect(codes(s.problems)).toContain('sip/nul-byte');
  });

  it('reports non-UTF-8 bytes in header values as a warning (never decoded as latin1)', () => {
    const head = enc.encode('OPTIONS sip:a@b SIP/2.0\r\nSubject: caf');
    const b = new Uint8Array([...head, 0xe9, ...enc.encode('\r\n\r\n')]);
    const r = parseSipMessage(b);
    expect(r.problems.map((p) => [p.code, p.severity])).toEqual([['sip/invalid-utf8', 'warning']]);
    expect(r.problems[0]!.span.start).toBe(head.length);
    expect(r.message.header('subject')!.value).toBe('caf\uFFFD');
  });

  it('reports a header section without the empty line (truncated message)', () => {
    const r = parse('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\nCSeq: 1 OPT');
    expect(codes(r.problems)).toEqual(['sip/missing-empty-line']);
    expect(r.message.header('cseq')!.value).toBe('1 OPT');
    expect(r.message.bodyStart).toBe(r.message.bytes.length);
    expect(r.message.body).toEqual({ start: r.message.bytes.length, end: r.message.bytes.length });
    const s = parse('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\n');
    expect(codes(s.problems)).toEqual(['sip/missing-empty-line']);
    const t = parse('OPTIONS sip:a@b SIP/2.0');
    expect(codes(t.problems)).toEqual(['sip/missing-empty-line']);
    expect(t.message.kind).toBe('request');
  });

  it('problem codes are stable kebab-case sip/...', () => {
    const r = parse('GARBAGE\r\n: x\r\nno colon\r\n  cont\r\nA\0: b\r\n');
    for (const p of r.problems) expect(p.code).toMatch(/^sip\/[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
