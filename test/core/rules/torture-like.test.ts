// Messages written here after the RFC 4475 / RFC 5118 cases that are not in this checkout's corpus (so the rules are
// checked for them too): valid ones get no errors, invalid ones an error naming the defect.
import { describe, expect, it } from 'vitest';
import { lintMessage } from '../../../src/core/rules/run';
import { messageFromBytes } from '../../../src/core/trace/split-trace';
import { enc } from './helpers';

const SDP = ['v=0', 'o=mhandley 29739 7272939 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', 'm=audio 49217 RTP/AVP 0 12', 'm=video 3227 RTP/AVP 31', 'a=rtpmap:31 LPC', ''].join('\r\n');

function msg(lines: string[], body: string | Uint8Array = '', cl?: number): Uint8Array {
  const b = typeof body === 'string' ? enc.encode(body) : body;
  const head = lines.map((l) => (l === 'Content-Length: *' ? `Content-Length: ${cl ?? b.length}` : l)).join('\r\n') + '\r\n\r\n';
  const h = enc.encode(head);
  const out = new Uint8Array(h.length + b.length);
  out.set(h);
  out.set(b, h.length);
  return out;
}

function errs(bytes: Uint8Array): string[] {
  return lintMessage(messageFromBytes(bytes))
    .filter((f) => f.severity === 'error')
    .map((f) => f.ruleId);
}

describe('valid (no error-level findings)', () => {
  it('RFC 4475 §3.1.1.2 wide range of valid characters (intmeth)', () => {
    const bytes = new Uint8Array([
      ...enc.encode("!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\r\n"),
      ...enc.encode("Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\r\n"),
      ...enc.encode('To: "BEL:\\'),
      0x07,
      ...enc.encode(' NUL:\\'),
      0x00,
      ...enc.encode(' DEL:\\'),
      0x7f,
      ...enc.encode("\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>\r\n"),
      ...enc.encode("From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439\";tag=_token~1'+`*%!-.\r\n"),
      ...enc.encode("Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\r\n"),
      ...enc.encode("CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\r\n"),
      ...enc.encode('Max-Forwards: 255\r\n'),
      ...enc.encode("extensionHeader-!.%*+_`'~:\ufeff\u5927\u505c\u96fb\r\n"),
      ...enc.encode('Content-Length: 0\r\n\r\n'),
    ]);
    expect(errs(bytes)).toEqual([]);
  });

  it('RFC 4475 §3.1.1.4 escaped nulls in URIs (escnull)', () => {
    const b = msg([
      'REGISTER sip:example.com SIP/2.0',
      'To: sip:null-%00-null@example.com',
      'From: sip:null-%00-null@example.com;tag=839923423',
      'Max-Forwards: 70',
      'Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd',
      'CSeq: 14398234 REGISTER',
      'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw',
      'Contact: <sip:%00@host5.example.com>',
      'Contact: <sip:%00%00@host5.example.com>',
      'L:0',
    ]);
    expect(errs(b)).toEqual([]);
  });

  it('RFC 4475 §3.1.1.11 multipart body with SDP and a binary part (mpart01)', () => {
    const binary = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
    const parts = new Uint8Array([
      ...enc.encode('--==boundary==\r\nContent-Type: application/sdp\r\n\r\n' + SDP + '\r\n--==boundary==\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
      ...binary,
      ...enc.encode('\r\n--==boundary==--\r\n'),
    ]);
    const b = msg(
      [
        'MESSAGE sip:kumiko@example.org SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport',
        'Max-Forwards: 70',
        'Route: <sip:127.0.0.1:5080>',
        'Identity: r5mwreLuyDRYBi/0TiPwEsY3rEVsk/G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeXqkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZSDNGCzA+fWl9MEUHWIZo1CeJebdY/XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA=',
        'Contact: <sip:fluffy@127.0.0.1:5070>',
        'To: <sip:kumiko@example.org>',
        'From: <sip:fluffy@example.com>;tag=2fb0dcc9',
        'Call-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..',
        'CSeq: 1 MESSAGE',
        'Content-Transfer-Encoding: binary',
        'Content-Type: multipart/mixed;boundary="==boundary=="',
        'Date: Sat, 02 Oct 2004 23:45:14 GMT',
        'User-Agent: SIPimp.org/0.2.5 (curses)',
        'Content-Length: *',
      ],
      parts,
    );
    expect(errs(b)).toEqual([]);
  });

  it('RFC 4475 §3.1.1.13 empty reason phrase (noreason)', () => {
    const b = msg([
      'SIP/2.0 100 ',
      'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe',
      'Call-ID: noreason.asndj203insdf99223ndf',
      'CSeq: 35 INVITE',
      'From: <sip:user@example.com>;tag=39ansfi3',
      'To: <sip:user@example.edu>;tag=902jndnke3',
      'Content-Length: 0',
      'Contact: <sip:user@host105.example.com>',
    ]);
    expect(errs(b)).toEqual([]);
  });

  const options = (extra: string[], uri = 'sip:user@example.com') =>
    msg([`OPTIONS ${uri} SIP/2.0`, 'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423', 'To: <sip:user@example.com>', 'From: <sip:other@example.net>;tag=3923942', 'Call-ID: t.fhn2323orihawfdoa3o4r52o3irsdf', 'CSeq: 15932 OPTIONS', 'Max-Forwards: 70', ...extra, 'Content-Length: 0']);

  it('RFC 4475 §3.3.2 unknown Request-URI scheme (unkscm): warning only', () => expect(errs(options([], 'nobodyKnowsThisScheme:totallyopaquecontent'))).toEqual([]));
  it('RFC 4475 §3.3.5 Proxy-Require and Require (bext01)', () => expect(errs(options(['Require: nothing', 'Proxy-Require: noProxyRequire']))).toEqual([]));
  it('RFC 4475 §3.3.11 Max-Forwards of zero (zeromf): info only', () => {
    const b = msg(['OPTIONS sip:user@example.com SIP/2.0', 'Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw2395', 'Max-Forwards: 0', 'From: sip:caller@example.net;tag=3ghsd41', 'To: sip:user@example.com', 'Call-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas', 'CSeq: 39234321 OPTIONS', 'Content-Length: 0']);
    expect(errs(b)).toEqual([]);
  });
  it('RFC 4475 §3.3.14 REGISTER with an escaped header in Contact (regescrt)', () => {
    const b = msg(['REGISTER sip:example.com SIP/2.0', 'To: sip:user@example.com', 'From: sip:user@example.com;tag=8', 'Max-Forwards: 70', 'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw', 'Call-ID: regescrt.k345asrl3fdbv@192.0.2.1', 'CSeq: 14398234 REGISTER', 'Contact: <sip:user@host5.example.com?Route=%3Csip:sip.example.com%3E>', 'L:0']);
    expect(errs(b)).toEqual([]);
  });

  it('RFC 5118 §4.3 port ambiguous in a SIP URI: [2001:db8::10:5070] is a valid address', () => {
    const b = msg(['REGISTER sip:[2001:db8::10:5070] SIP/2.0', 'To: sip:user@example.com', 'From: sip:user@example.com;tag=81x2', 'Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111', 'Call-ID: SSG9559905523997077@hlau_4100', 'Contact: "Caller" <sip:caller@[2001:db8::1]>', 'Max-Forwards: 70', 'CSeq: 98176 REGISTER', 'Content-Length: 0']);
    expect(errs(b)).toEqual([]);
  });

  it('RFC 5118 §4.5 received without delimiters', () => {
    const b = msg(['BYE sip:[2001:db8::10] SIP/2.0', 'To: sip:user@example.com;tag=bd76ya', 'From: sip:user@example.com;tag=81x2', 'Via: SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3', 'Call-ID: SSG95523997077@hlau_4100', 'Max-Forwards: 70', 'CSeq: 321 BYE', 'Content-Length: 0']);
    expect(errs(b)).toEqual([]);
  });

  it('RFC 5118 §4.8 multiple IP addresses in SDP', () => {
    const body = ['v=0', 'o=bob 280744730 28977631 IN IP4 host.example.com', 's=', 't=0 0', 'm=audio 22334 RTP/AVP 0', 'c=IN IP4 192.0.2.1', 'm=video 6024 RTP/AVP 107', 'c=IN IP6 2001:db8::1', 'a=rtpmap:107 H263-1998/90000', ''].join('\r\n');
    const b = msg(['INVITE sip:user@[2001:db8::10] SIP/2.0', 'To: sip:user@[2001:db8::10]', 'From: sip:user@example.com;tag=81x2', 'Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111', 'Call-ID: SSG9559905523997077@hlau_4100', 'Contact: "Caller" <sip:caller@[2001:db8::9:1]>', 'Max-Forwards: 70', 'CSeq: 8612 INVITE', 'Content-Type: application/sdp', 'Content-Length: *'], body);
    expect(errs(b)).toEqual([]);
  });
});

describe('invalid (an error naming the defect)', () => {
  const base = (start: string, extra: string[] = [], body = '', cl?: number) =>
    msg([start, 'Max-Forwards: 80', 'To: sip:j.user@example.com', 'From: sip:caller@example.net;tag=93942939o2', 'Contact: <sip:caller@hungry.example.net>', 'Call-ID: t.0ha0isndaksdjweiafasdk3', 'CSeq: 8 INVITE', 'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523', ...extra, 'Content-Length: *'], body, cl);

  it('RFC 4475 §3.1.2.2 Content-Length larger than the message (clerr)', () => {
    expect(errs(base('INVITE sip:user@example.com SIP/2.0', ['Content-Type: application/sdp'], SDP, 9999))).toContain('sip/content-length');
  });
  it('RFC 4475 §3.1.2.6 unterminated quoted string in display name (quotbal)', () => {
    const b = msg(['INVITE sip:user@example.com SIP/2.0', 'To: "Mr. J. User <sip:j.user@example.com>', 'From: sip:caller@example.net;tag=93334', 'Max-Forwards: 10', 'Call-ID: quotbal.aksdj', 'Contact: <sip:caller@host59.example.net>', 'CSeq: 0 INVITE', 'Via: SIP/2.0/TCP host5.example.net;branch=z9hG4bK-d87543-1', 'Content-Type: application/sdp', 'Content-Length: *'], SDP);
    expect(errs(b)).toContain('sip/name-addr');
  });
  it('RFC 4475 §3.1.2.8 LWS inside the Request-URI (lwsruri)', () => {
    expect(errs(base('INVITE sip:user@example.com; lr SIP/2.0'))).toContain('sip/request-uri');
  });
  it('RFC 4475 §3.1.2.12 time zone other than GMT (baddate)', () => {
    expect(errs(base('INVITE sip:user@example.com SIP/2.0', ['Date: Fri, 01 Jan 2010 16:00:00 EST']))).toContain('sip/date');
  });
  it('RFC 4475 §3.1.2.16 unknown protocol version (badvers)', () => {
    const b = msg(['OPTIONS sip:t.watson@example.org SIP/7.0', 'Via: SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw', 'Max-Forwards: 70', 'From: A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe', 'To: T. Watson <sip:t.watson@example.org>', 'Call-ID: badvers.31417@c.example.com', 'CSeq: 1 OPTIONS', 'l: 0']);
    expect(errs(b)).toContain('sip/sip-version');
  });
  it('RFC 4475 §3.1.2.19 overlarge response code (bigcode)', () => {
    const b = msg(['SIP/2.0 4294967301 better not break the receiver', 'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe', 'Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i', 'CSeq: 353494 INVITE', 'From: <sip:user@example.com>;tag=39ansfi3', 'To: <sip:user@example.edu>;tag=902jndnke3', 'Content-Length: 0', 'Contact: <sip:user@host105.example.com>']);
    expect(errs(b)).toContain('sip/status-code');
  });
  it('RFC 4475 §3.3.9 multiple Content-Length values (mcl01)', () => {
    const b = enc.encode(
      'OPTIONS sip:user@example.com SIP/2.0\r\nVia: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423\r\nTo: <sip:user@example.com>\r\nFrom: <sip:other@example.net>;tag=3923942\r\nCall-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf\r\nCSeq: 15932 OPTIONS\r\nContent-Length: 13\r\nMax-Forwards: 60\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nThere\'s no way to know how many octets are supposed to be here.\r\n',
    );
    expect(errs(b)).toContain('sip/duplicate-header');
  });
  it('RFC 5118 §4.2 IPv6 address without brackets in the Request-URI', () => {
    const b = msg(['REGISTER sip:2001:db8::10 SIP/2.0', 'To: sip:user@example.com', 'From: sip:user@example.com;tag=81x2', 'Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111', 'Call-ID: SSG9559905523997077@hlau_4100', 'Max-Forwards: 70', 'Contact: "Caller" <sip:caller@[2001:db8::1]>', 'CSeq: 98176 REGISTER', 'Content-Length: 0']);
    expect(errs(b)).toContain('sip/ipv6-reference');
  });
});
