// Unit tests for summarizeSipMessage: the flat fields a call index / JSON export needs (tshark-comparable).
import { describe, expect, it } from 'vitest';
import { summarizeSipMessage } from '../../../src/core/sip/summary';
import { parse } from './helpers';

describe('summarizeSipMessage', () => {
  it('summarises an IPv6 INVITE like tshark does (sngrep_ipv6frag frame 5)', () => {
    const sdp = 'v=0\r\no=user1 53655765 2353687637 IN IP6 fd17:625c:f037:2:a00:27ff:feb9:1521\r\ns=-\r\nc=IN IP6 fd17:625c:f037:2:a00:27ff:feb9:4334\r\nt=0 0\r\nm=audio 30002 RTP/AVP 100 101 120 121\r\n';
    const text = [
      'INVITE sip:08019200028@[fd17:625c:f037:2:a00:27ff:feb9:4222]:25060 SIP/2.0',
      'Via: SIP/2.0/UDP [fd17:625c:f037:2:a00:27ff:feb9:3519]:5062;branch=z9hG4bK-333138-f3b6,SIP/2.0/UDP [fd17:625c:f037:2:a00:27ff:feb9:1521]:15060;branch=z9hG4bK-397430-71846-0;received=fd17:625c:f037:2:a00:27ff:feb9:1521',
      'From: "sipp" <sip:sipp@[fd17:625c:f037:2:a00:27ff:feb9:1521]:15060>;tag=397430SIPpTag0071846',
      'To: <sip:08019200028@[fd17:625c:f037:2:a00:27ff:feb9:4222]:25060>',
      'Call-ID:   71846-1647924829-397430@fd17:625c:f037:2:a00:27ff:feb9:1521  ',
      'CSeq: 1 INVITE',
      'Contact: <sip:sipp@[fd17:625c:f037:2:a00:27ff:feb9:1521]:15060>;+sip.instance="<urn:uuid:1>"',
      'Max-Forwards: 69',
      'User-Agent: SIPp 3.6',
      'Content-Type: Application/SDP ; x=y',
      `Content-Length: ${sdp.length}`,
      '',
      sdp,
    ].join('\r\n');
    const s = summarizeSipMessage(parse(text).message);
    expect(s).toEqual({
      kind: 'request',
      method: 'INVITE',
      requestUri: 'sip:08019200028@[fd17:625c:f037:2:a00:27ff:feb9:4222]:25060',
      statusCode: undefined,
      reason: undefined,
      callId: '71846-1647924829-397430@fd17:625c:f037:2:a00:27ff:feb9:1521',
      cseqSeq: 1,
      cseqMethod: 'INVITE',
      fromUri: 'sip:sipp@[fd17:625c:f037:2:a00:27ff:feb9:1521]:15060',
      fromTag: '397430SIPpTag0071846',
      fromDisplay: 'sipp',
      toUri: 'sip:08019200028@[fd17:625c:f037:2:a00:27ff:feb9:4222]:25060',
      toTag: undefined,
      toDisplay: undefined,
      viaCount: 2,
      viaTop: {
        transport: 'UDP',
        host: 'fd17:625c:f037:2:a00:27ff:feb9:3519',
        port: 5062,
        branch: 'z9hG4bK-333138-f3b6',
        // tshark reports the second via-parm's received here; the top via-parm has none.
        received: undefined,
        rportPresent: false,
        rport: undefined,
      },
      contactUris: ['sip:sipp@[fd17:625c:f037:2:a00:27ff:feb9:1521]:15060'],
      contentType: 'application/sdp',
      contentLength: sdp.length,
      hasSdp: true,
      maxForwards: 69,
      userAgent: 'SIPp 3.6',
    });
  });

  it('summarises a response with compact headers, rport and received', () => {
    const s = summarizeSipMessage(
      parse([
        'SIP/2.0 407 Proxy Authentication Required',
        'v: SIP/2.0/UDP 192.168.1.2;received=80.230.219.70;rport=5061;branch=z9hG4bKnp1',
        'v: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKnp0',
        'f: Bob <sip:bob@example.com>;tag=a',
        't: sip:alice@example.com;tag=b',
        'i: xyz',
        'CSeq: 2 INVITE',
        'm: sip:bob@192.168.1.2, "Other" <sip:bob@10.0.0.1:5062;transport=tcp>;expires=60',
        'l: 0',
        '',
        '',
      ].join('\r\n')).message,
    );
    expect(s).toMatchObject({
      kind: 'response', statusCode: 407, reason: 'Proxy Authentication Required', method: undefined, callId: 'xyz',
      cseqSeq: 2, cseqMethod: 'INVITE', fromUri: 'sip:bob@example.com', fromTag: 'a', fromDisplay: 'Bob', toUri: 'sip:alice@example.com', toTag: 'b',
      viaCount: 2, contentLength: 0, hasSdp: false, contentType: undefined,
      contactUris: ['sip:bob@192.168.1.2', 'sip:bob@10.0.0.1:5062;transport=tcp'],
    });
    expect(s.viaTop).toEqual({ transport: 'UDP', host: '192.168.1.2', port: undefined, branch: 'z9hG4bKnp1', received: '80.230.219.70', rportPresent: true, rport: 5061 });
  });

  it('hasSdp: empty application/sdp body is false; SDP inside multipart/mixed is true', () => {
    expect(summarizeSipMessage(parse('INVITE sip:a@b SIP/2.0\r\nContent-Type: application/sdp\r\nContent-Length: 0\r\n\r\n').message).hasSdp).toBe(false);
    expect(summarizeSipMessage(parse('INVITE sip:a@b SIP/2.0\r\nContent-Type: application/sdp\r\n\r\n\r\n').message).hasSdp).toBe(false);
    const body = '--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--b1\r\nContent-Type: application/isup\r\n\r\nxx\r\n--b1--\r\n';
    const m = parse(`INVITE sip:a@b SIP/2.0\r\nContent-Type: multipart/mixed;boundary=b1\r\nContent-Length: ${body.length}\r\n\r\n${body}`).message;
    expect(summarizeSipMessage(m)).toMatchObject({ contentType: 'multipart/mixed', hasSdp: true });
    const noSdp = body.replace('application/sdp', 'text/plain');
    expect(summarizeSipMessage(parse(`INVITE sip:a@b SIP/2.0\r\nContent-Type: multipart/mixed;boundary=b1\r\n\r\n${noSdp}`).message).hasSdp).toBe(false);
  });

  it('leaves unparsable facts undefined and never throws', () => {
    const s = summarizeSipMessage(parse('garbage\r\nCSeq: x\r\nFrom: <\r\nContent-Length: -1\r\nMax-Forwards: many\r\nv: ;;\r\n\r\n').message);
    expect(s).toMatchObject({ kind: 'invalid', method: undefined, cseqSeq: undefined, fromUri: undefined, contentLength: undefined, maxForwards: undefined, viaTop: undefined });
  });

  it('Contact * and a Call-ID folded over lines', () => {
    const s = summarizeSipMessage(parse('REGISTER sip:r SIP/2.0\r\nContact: *\r\nCall-ID:\r\n  abc\r\nExpires: 0\r\n\r\n').message);
    expect(s.contactUris).toEqual(['*']);
    expect(s.callId).toBe('abc');
  });
});
