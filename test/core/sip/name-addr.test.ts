// Unit tests for parseNameAddr / parseNameAddrList (RFC 3261 §20.10, §25.1) and the generic params scanner.
import { describe, expect, it } from 'vitest';
import { nameAddrParty, parseNameAddr, parseNameAddrList, parseNameAddrRange } from '../../../src/core/sip/name-addr';
import { findParam, hasParam, parseMediaType, parseParams, paramValue, unquote } from '../../../src/core/sip/params';
import { codes } from './helpers';

const sub = (s: string, span: { start: number; end: number }): string => s.slice(span.start, span.end);

describe('parseNameAddr (single-valued headers)', () => {
  it('parses quoted display name, <URI> and header params with spans', () => {
    const t = '"Alice \\"A\\" Smith" <sip:alice@atlanta.example.com>;tag=1928301774;x';
    const { value: v, problems } = parseNameAddr(t);
    expect(problems).toEqual([]);
    expect(v).toMatchObject({ displayName: 'Alice "A" Smith', uriText: 'sip:alice@atlanta.example.com', tag: '1928301774', star: false });
    expect(v!.uri!.host).toBe('atlanta.example.com');
    expect(v!.params.map((p) => [p.name, p.value])).toEqual([['tag', '1928301774'], ['x', undefined]]);
    expect(sub(t, v!.uri!.span)).toBe('sip:alice@atlanta.example.com');
    expect(sub(t, v!.span)).toBe(t);
  });

  it('parses token display names with and without LWS before < (RFC 4475 lwsdisp)', () => {
    expect(parseNameAddr('Bob Smith <sip:b@h>').value!.displayName).toBe('Bob Smith');
    const r = parseNameAddr('caller<sip:caller@example.com>;tag=323');
    expect(r.problems).toEqual([]);
    expect(r.value).toMatchObject({ displayName: 'caller', uriText: 'sip:caller@example.com', tag: '323' });
  });

  it('bare addr-spec: ;params are header params (RFC 3261 §20.10)', () => {
    const r = parseNameAddr('sip:+12125551212@server.phone2net.com;tag=887s');
    expect(r.problems).toEqual([]);
    expect(r.value!.uri!.params).toEqual([]);
    expect(r.value!.tag).toBe('887s');
    const c = parseNameAddr('<sip:+19725552222@gw1.example.net;unknownparam>');
    expect(c.value!.uri!.params.map((p) => p.name)).toEqual(['unknownparam']);
    expect(c.value!.params).toEqual([]);
  });

  it('accepts LWS and folding around ; and = (RFC 4475 wsinv)', () => {
    const t = '"J Rosenberg \\\\\\""       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8';
    const r = parseNameAddr(t);
    expect(r.problems).toEqual([]);
    expect(r.value!.displayName).toBe('J Rosenberg \\"');
    expect(r.value!.tag).toBe('98asjd8');
    const b = parseNameAddr('sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
    expect(b.problems).toEqual([]);
    expect(b.value!.tag).toBe('1918181833n');
    expect(b.value!.uriText).toBe('sip:vivekg@chair-dnrc.example.com');
  });

  it('reports an unquoted display name with non-token characters (RFC 4475 baddn)', () => {
    const t = 'Bell, Alexander <sip:a.g.bell@example.com>;tag=43';
    const r = parseNameAddr(t);
    expect(codes(r.problems)).toEqual(['sip/display-name-bad-char']);
    expect(sub(t, r.problems[0]!.span)).toBe('Bell, Alexander');
    expect(r.value!.displayName).toBe('Bell, Alexander');
    expect(r.value!.tag).toBe('43');
  });

  it('recovers from stray escaped quotes in an unquoted display name (seen in real captures)', () => {
    const r = parseNameAddr('\\"arik\\" <sip:816666@voip.example.net>;tag=6433ef9');
    expect(codes(r.problems)).toEqual(['sip/display-name-bad-char']);
    expect(r.value).toMatchObject({ displayName: '\\"arik\\"', uriText: 'sip:816666@voip.example.net', tag: '6433ef9' });
  });

  it('reports whitespace inside <> (RFC 4475 badaspec)', () => {
    const t = '"Watson, Thomas" < sip:t.watson@example.org >';
    const r = parseNameAddr(t);
    expect(codes(r.problems)).toEqual(['sip/addr-spec-whitespace']);
    expect(sub(t, r.problems[0]!.span)).toBe('< sip:t.watson@example.org >');
    expect(r.value!.uri!.host).toBe('example.org');
  });

  it('reports a bare URI with ? that needs <> (RFC 4475 regbadct)', () => {
    const r = parseNameAddr('sip:user@example.com?Route=%3Csip:sip.example.com%3E');
    expect(codes(r.problems)).toEqual(['sip/addr-spec-needs-angle-brackets']);
    expect(r.value!.uri!.headers).toBe('Route=%3Csip:sip.example.com%3E');
  });

  it('keeps unknown schemes (RFC 4475 unksm2)', () => {
    expect(parseNameAddr('isbn:2983792873').value!.uri!.scheme).toBe('isbn');
    expect(parseNameAddr('<http://www.example.com>;tag=3234233').value!.tag).toBe('3234233');
  });

  it('reports broken values', () => {
    expect(codes(parseNameAddr('').problems)).toEqual(['sip/empty-header-value']);
    expect(parseNameAddr('').value).toBeUndefined();
    expect(codes(parseNameAddr('"open <sip:a@b>').problems)).toEqual(['sip/unterminated-quoted-string']);
    expect(codes(parseNameAddr('<sip:a@b').problems)).toEqual(['sip/unterminated-angle-bracket']);
    expect(codes(parseNameAddr('just words').problems)).toEqual(['sip/bad-name-addr']);
    expect(codes(parseNameAddr('"x" sip:a@b').problems)).toEqual(['sip/bad-name-addr']);
    expect(codes(parseNameAddr('<sip:a@b> junk').problems)).toEqual(['sip/unexpected-text']);
    expect(codes(parseNameAddr('<sip:a@b>, <sip:c@d>').problems)).toEqual(['sip/multiple-values']);
    expect(codes(parseNameAddr('"Joe" <sip:joe@example.org>;;;;').problems)).toEqual(['sip/empty-param', 'sip/empty-param', 'sip/empty-param', 'sip/empty-param']);
  });
});

describe('parseNameAddrList (Contact, Route, Record-Route)', () => {
  it('splits on commas outside quotes and <>', () => {
    const t = '"Doe, John" <sip:j,k@h;a=1>;q=0.7, sip:x@y;expires=60 ,<sips:z@w>';
    const r = parseNameAddrList(t);
    expect(r.problems).toEqual([]);
    expect(r.value.map((v) => [v.displayName, v.uriText, v.params.map((p) => `${p.name}=${p.value}`).join(';')])).toEqual([
      ['Doe, John', 'sip:j,k@h;a=1', 'q=0.7'],
      [undefined, 'sip:x@y', 'expires=60'],
      [undefined, 'sips:z@w', ''],
    ]);
    expect(r.value.map((v) => sub(t, v.span))).toEqual(['"Doe, John" <sip:j,k@h;a=1>;q=0.7', 'sip:x@y;expires=60', '<sips:z@w>']);
  });

  it('parses Contact: * with star', () => {
    const r = parseNameAddrList('*');
    expect(r.problems).toEqual([]);
    expect(r.value).toHaveLength(1);
    expect(r.value[0]).toMatchObject({ star: true, uri: undefined, uriText: '*' });
  });

  it('parses multi-line route sets and folded values', () => {
    const r = parseNameAddrList('<sip:p1.example.com;lr>,\r\n <sip:p2.example.com;lr>');
    expect(r.value.map((v) => v.uri!.host)).toEqual(['p1.example.com', 'p2.example.com']);
    expect(r.value[0]!.uri!.params.map((p) => p.name)).toEqual(['lr']);
  });

  it('reports empty elements and recovers after garbage', () => {
    expect(codes(parseNameAddrList('<sip:a@b>,,<sip:c@d>').problems)).toEqual(['sip/empty-list-element']);
    expect(codes(parseNameAddrList('<sip:a@b>,').problems)).toEqual(['sip/empty-list-element']);
    const g = parseNameAddrList('<sip:a@b> junk, <sip:c@d>');
    expect(codes(g.problems)).toEqual(['sip/unexpected-text']);
    expect(g.value.map((v) => v.uriText)).toEqual(['sip:a@b', 'sip:c@d']);
    const bad = parseNameAddrList('Bell, Alexander <sip:a@b>');
    expect(codes(bad.problems)).toEqual(['sip/bad-name-addr']);
    expect(bad.value.map((v) => v.displayName)).toEqual(['Alexander']);
  });
});

describe('params', () => {
  it('parses generic params with quoted values, IPv6 references and LWS', () => {
    const t = ';received=[2001:db8::9:255] ; rport ;x="a;b,c" ;branch = z9';
    const r = parseParams(t, 10);
    expect(r.problems).toEqual([]);
    expect(r.value.map((p) => [p.name, p.value])).toEqual([['received', '[2001:db8::9:255]'], ['rport', undefined], ['x', '"a;b,c"'], ['branch', 'z9']]);
    expect(r.value[0]!.span).toEqual({ start: 11, end: 37 });
    expect(unquote('"a;b,c"')).toBe('a;b,c');
    expect(paramValue(r.value, 'BRANCH')).toBe('z9');
    expect(hasParam(r.value, 'rport')).toBe(true);
    expect(findParam(r.value, 'none')).toBeUndefined();
  });

  it('accepts a list without the leading ;', () => {
    const r = parseParams('a=1;b', 5);
    expect(r.problems).toEqual([]);
    expect(r.value.map((p) => [p.name, p.value, p.span.start])).toEqual([['a', '1', 5], ['b', undefined, 9]]);
  });

  it('reports problems', () => {
    expect(codes(parseParams(';a=').problems)).toEqual(['sip/empty-param-value']);
    expect(codes(parseParams(';@x;b').problems)).toEqual(['sip/bad-param']);
    expect(codes(parseParams(';x="open').problems)).toEqual(['sip/unterminated-quoted-string']);
    expect(codes(parseParams(';a b').problems)).toEqual(['sip/unexpected-text']);
  });

  it('parseMediaType', () => {
    expect(parseMediaType('Application/SDP')).toEqual({ type: 'application/sdp', params: new Map() });
    const m = parseMediaType('multipart/mixed;boundary="unique-boundary-1"; charset=UTF-8');
    expect(m.type).toBe('multipart/mixed');
    expect(m.params.get('boundary')).toBe('unique-boundary-1');
    expect(m.params.get('charset')).toBe('UTF-8');
  });
});

describe('nameAddrParty (call parties on the import fast path)', () => {
  it("gives parseNameAddrRange's display name and URI text, and no value where it gives none", () => {
    const values = [
      '"Alice A" <sip:alice@a.example>;tag=abc',
      'Alice <sip:alice@a.example>',
      'Alice  Smith   <sip:alice@a.example;transport=tcp>;tag=1;x="a,b"',
      '<sip:bob@b.example>',
      'sip:bob@b.example;tag=2',
      'sip:bob@b.example ;tag=3',
      'tel:+1-555-0100',
      '"\\"quoted\\" \\\\ name" <sips:c@c.example>',
      '"Caf\u00e9" <sip:caf\u00e9@d.example>',
      '*',
      '* ;expires=0',
      '"unterminated <sip:a@b>',
      'no uri here',
      'Name <sip:a@b',
      '< sip:a@b >;tag=4',
      '',
      '   ',
      'sip:a@b, sip:c@d',
      '\\"arik\\" <sip:arik@e.example>',
    ];
    const enc = new TextEncoder();
    for (const v of values) {
      const b = enc.encode(`  ${v} `);
      const full = parseNameAddrRange(b, 1, b.length, 0, [], false);
      expect(nameAddrParty(b, 1, b.length), v).toEqual(full === undefined ? undefined : { displayName: full.displayName, uriText: full.uriText });
    }
  });
});
