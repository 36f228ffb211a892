// Unit tests for parseViaList / topVia / allVias (RFC 3261 §20.42, RFC 3581, RFC 5118) and CSeq / scalar values.
import { describe, expect, it } from 'vitest';
import { allVias, parseViaList, parseVias, topVia } from '../../../src/core/sip/via';
import { parseCSeq, parseContentLength, parseDeltaSeconds, parseMaxForwards } from '../../../src/core/sip/cseq';
import { codes, parse } from './helpers';

const sub = (s: string, span: { start: number; end: number }): string => s.slice(span.start, span.end);

describe('parseViaList', () => {
  it('parses sent-protocol, sent-by and params with spans', () => {
    const t = 'SIP/2.0/UDP pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5060;maddr=224.2.0.1;ttl=16;x';
    const { value, problems } = parseViaList(t);
    expect(problems).toEqual([]);
    expect(value).toHaveLength(1);
    const v = value[0]!;
    expect(v).toMatchObject({
      protocol: 'SIP/2.0', transport: 'UDP', host: 'pc33.atlanta.example.com', port: 5066, branch: 'z9hG4bK776asdhds',
      received: '192.0.2.1', rportPresent: true, rport: 5060, maddr: '224.2.0.1',
    });
    expect(v.params.map((p) => p.name)).toEqual(['branch', 'received', 'rport', 'maddr', 'ttl', 'x']);
    expect(sub(t, v.sentBySpan)).toBe('pc33.atlanta.example.com:5066');
    expect(sub(t, v.span)).toBe(t);
  });

  it('valueless rport (RFC 3581) and lower-case transport', () => {
    const v = parseViaList('SIP/2.0/tcp host;rport;branch=z9hG4bKx').value[0]!;
    expect([v.transport, v.rportPresent, v.rport, v.port]).toEqual(['TCP', true, undefined, undefined]);
    expect(codes(parseViaList('SIP/2.0/UDP h;rport=abc').problems)).toEqual(['sip/via-bad-rport']);
  });

  it('accepts LWS around "/" and ":" and folded lines (RFC 4475 wsinv)', () => {
    const t = 'SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239';
    const r = parseViaList(t);
    expect(r.problems).toEqual([]);
    expect(r.value.map((v) => [v.protocol, v.transport, v.host, v.branch])).toEqual([
      ['SIP/2.0', 'TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['SIP/2.0', 'UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    const p = parseViaList('SIP/2.0/UDP h : 5060 ;branch=z9hG4bKa').value[0]!;
    expect(p.port).toBe(5060);
  });

  it('IPv6 sent-by and received with delimiters (RFC 5118 §4.5)', () => {
    const r = parseViaList('SIP/2.0/UDP [2001:db8::9:1]:6050;received=[2001:db8::9:255];branch=z9hG4bKas3-111');
    expect(r.problems).toEqual([]);
    expect(r.value[0]).toMatchObject({ host: '[2001:db8::9:1]', port: 6050, received: '[2001:db8::9:255]', branch: 'z9hG4bKas3-111' });
    const s = parseViaList('SIP/2.0/UDP [fd17:625c:f037:2:a00:27ff:feb9:1521]:15060;branch=z9hG4bK-1;received=fd17:625c:f037:2:a00:27ff:feb9:1521');
    expect(s.problems).toEqual([]);
    expect(s.value[0]!.received).toBe('fd17:625c:f037:2:a00:27ff:feb9:1521');
    expect(codes(parseViaList('SIP/2.0/UDP [2001:zz::1]').problems)).toEqual(['sip/via-bad-host']);
  });

  it('unknown transports are kept (RFC 4475 transports)', () => {
    expect(parseViaList('SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en').value[0]!.transport).toBe('UNKNOWN');
  });

  it('reports broken via-parms (RFC 4475 badinv01) and keeps the good ones', () => {
    const r = parseViaList('SIP/2.0/UDP 192.0.2.15;;,;,,');
    expect(r.value).toHaveLength(1);
    expect(r.value[0]!.host).toBe('192.0.2.15');
    expect(codes(r.problems)).toEqual(['sip/empty-param', 'sip/empty-param', 'sip/via-bad-sent-protocol', 'sip/empty-list-element', 'sip/empty-list-element']);
    expect(codes(parseViaList('').problems)).toEqual(['sip/empty-header-value']);
    expect(codes(parseViaList('SIP/2.0/UDP').problems)).toEqual(['sip/via-missing-sent-by']);
    expect(codes(parseViaList('SIP/2.0 h').problems)).toEqual(['sip/via-bad-sent-protocol']);
    expect(codes(parseViaList('SIP/2.0/UDP h:x').problems)).toEqual(['sip/via-bad-port', 'sip/unexpected-text']);
    expect(codes(parseViaList('SIP/2.0/UDP h junk').problems)).toEqual(['sip/unexpected-text']);
  });

  it('missing branch is not a parse problem (RFC 2543 / RFC 4475 inv2543)', () => {
    const r = parseViaList('SIP/2.0/UDP iftgw.example.com');
    expect(r.problems).toEqual([]);
    expect(r.value[0]!.branch).toBeUndefined();
  });

  it('topVia / allVias / parseVias over several Via fields, compact form included', () => {
    const m = parse('BYE sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2\r\nVia: SIP/2.0/TLS c.example.com:5061;branch=z9hG4bK3\r\n\r\n').message;
    expect(topVia(m)!.host).toBe('a.example.com');
    expect(allVias(m).map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', 'a.example.com', 'z9hG4bK1'],
      ['TCP', 'b.example.com', 'z9hG4bK2'],
      ['TLS', 'c.example.com', 'z9hG4bK3'],
    ]);
    const third = allVias(m)[2]!;
    expect(new TextDecoder().decode(m.bytes.subarray(third.sentBySpan.start, third.sentBySpan.end))).toBe('c.example.com:5061');
    expect(parseVias(m).problems).toEqual([]);
    expect(topVia(parse('OPTIONS sip:a@b SIP/2.0\r\n\r\n').message)).toBeUndefined();
  });
});

describe('parseCSeq and scalar values', () => {
  it('parses number and method with LWS and folding (RFC 4475 wsinv)', () => {
    expect(parseCSeq('314159 INVITE').value).toMatchObject({ seq: 314159, method: 'INVITE' });
    const r = parseCSeq('0009\r\n  INVITE', 20);
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({ seq: 9, method: 'INVITE', span: { start: 20, end: 34 } });
    expect(parseCSeq('29344 RE%47IST%45R').value!.method).toBe('RE%47IST%45R');
  });

  it('reports overlarge numbers (RFC 4475 scalar02 / scalarlg) but returns the value', () => {
    const r = parseCSeq('36893488147419103232 REGISTER');
    expect(codes(r.problems)).toEqual(['sip/cseq-too-large']);
    expect(r.value!.method).toBe('REGISTER');
    expect(r.value!.seq, 'capped at 2**32-1, as tshark shows it').toBe(4294967295);
    expect(codes(parseCSeq('2147483648 INVITE').problems)).toEqual(['sip/cseq-too-large']);
    expect(parseCSeq('2147483648 INVITE').value!.seq).toBe(2147483648);
    expect(parseCSeq('2147483647 INVITE').problems).toEqual([]);
  });

  it('reports missing parts', () => {
    expect(codes(parseCSeq('INVITE').problems)).toEqual(['sip/cseq-bad-number']);
    expect(parseCSeq('INVITE').value).toBeUndefined();
    expect(codes(parseCSeq('12').problems)).toEqual(['sip/cseq-missing-method']);
    expect(codes(parseCSeq('12INVITE').problems)).toEqual(['sip/cseq-missing-method']);
    expect(codes(parseCSeq('1 INVITE extra').problems)).toEqual(['sip/unexpected-text']);
  });

  it('Content-Length, Max-Forwards and delta-seconds', () => {
    expect(parseContentLength(' 150 ').value!.value).toBe(150);
    expect(codes(parseContentLength('-999').problems)).toEqual(['sip/bad-content-length']);
    expect(parseContentLength('-999').value).toBeUndefined();
    expect(codes(parseContentLength('12 bytes').problems)).toEqual(['sip/bad-content-length']);
    expect(parseMaxForwards('0068').value!.value).toBe(68);
    expect(codes(parseMaxForwards('300').problems)).toEqual(['sip/max-forwards-too-large']);
    expect(codes(parseMaxForwards('x').problems)).toEqual(['sip/bad-max-forwards']);
    expect(parseDeltaSeconds('3600').problems).toEqual([]);
    expect(parseDeltaSeconds('120 (I am in a meeting);duration=3600').value!.value).toBe(120);
    expect(codes(parseDeltaSeconds('10000000000000000000000').problems)).toEqual(['sip/delta-seconds-too-large']);
    expect(codes(parseDeltaSeconds('4294967296').problems)).toEqual(['sip/delta-seconds-too-large']);
    expect(parseDeltaSeconds('4294967295').problems).toEqual([]);
    expect(codes(parseDeltaSeconds('soon').problems)).toEqual(['sip/bad-delta-seconds']);
  });
});
