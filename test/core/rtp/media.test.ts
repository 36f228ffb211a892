// Media declarations from SDP (RFC 3264 offer/answer, RFC 3605 a=rtcp, RFC 5761 rtcp-mux): the lean scanner agrees
// with parseSdp; the registry infers roles, keeps replacement history and registers addresses for RTP matching.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSdp } from '../../../src/core/sdp/parse-sdp';
import { ipv4Word, ipv4WordOf, ipv6Key, KIND_ANY, KIND_RTCP, KIND_RTP, MediaRegistry, scanSdp, sipBodyStart, type SdpSighting } from '../../../src/core/rtp/media';
import { STATIC_PAYLOAD_FORMATS } from '../../../src/core/rtp/codecs';
import { parseIp } from '../../../src/core/util/ip';
import { sdpText } from './rtp-helpers';

const enc = new TextEncoder();
const CORPUS_SDP = '/work/shared/corpus/sdp';

/** What scanSdp must agree on with parseSdp, read from parseSdp's model. */
function viaParseSdp(b: Uint8Array) {
  const { session } = parseSdp(b);
  return {
    connection: session.connection?.address,
    direction: session.direction,
    media: session.media.map((m) => {
      const pts = m.formats.filter((f) => /^\d+$/.test(f) && Number(f) <= 127).map(Number);
      return {
        media: m.media,
        port: m.port,
        proto: m.proto,
        formats: pts.map((pt) => {
          const r = m.rtpmaps.find((x) => x.payloadType === pt);
          if (r) return [pt, r.encoding, r.clockRate, r.channels];
          const st = STATIC_PAYLOAD_FORMATS.get(pt);
          return st ? [pt, st.encoding, st.clockRate, st.channels] : [pt, '', 0, undefined];
        }),
        connection: m.connection?.address,
        rtcpPort: m.rtcp?.port ?? -1,
        rtcpAddress: m.rtcp?.address,
        rtcpMux: m.rtcpMux,
        // parseSdp folds the session direction into each m=; scanSdp keeps them apart.
        direction: m.direction,
      };
    }),
  };
}

function viaScan(b: Uint8Array) {
  const s = scanSdp(b, 0, b.length);
  return {
    connection: s.connection,
    direction: s.direction,
    media: s.media.map((m) => ({
      media: m.media,
      port: m.port,
      proto: m.proto,
      formats: m.formats.map((f) => [f.payloadType, f.encoding, f.clockRate, f.channels]),
      connection: m.connection,
      rtcpPort: m.rtcpPort,
      rtcpAddress: m.rtcpAddress,
      rtcpMux: m.rtcpMux,
      direction: m.direction ?? s.direction,
    })),
  };
}

function sdpFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.sdp')) out.push(p);
    }
  };
  if (existsSync(CORPUS_SDP)) walk(CORPUS_SDP);
  walk(join(__dirname, '../../../samples/sdp'));
  return out;
}

describe('scanSdp agrees with parseSdp', () => {
  it('on hand-written edge cases', () => {
    const cases = [
      sdpText({ ip: '10.0.0.1', port: 4000 }),
      sdpText({ ip: '2001:db8::1', port: 4000, extra: ['a=rtcp:4005 IN IP6 2001:db8::2', 'a=rtcp-mux', 'a=sendonly'] }),
      'v=0\nc=IN IP4 224.2.1.1/127/3\nm=video 5000/2 RTP/AVP 31 96\na=rtpmap:96 H264/90000\na=rtcp:5009\nm=image 0 udptl t38\na=inactive\n',
      'v=0\r\na=recvonly\r\nm=audio 70000 RTP/AVP 0\r\nm=audio x RTP/AVP 0\r\nm=audio\r\nc=IN IP4\r\n',
      'v=0\rm=audio 1 RTP/AVP 0 8\ra=rtpmap:8 pcma/8000/1\ra=rtpmap:bad\ra=rtpmap:0 PCMU\r',
    ];
    for (const c of cases) {
      const b = enc.encode(c);
      expect(viaScan(b), c).toEqual(viaParseSdp(b));
    }
  });

  it.skipIf(!existsSync(CORPUS_SDP))('on every corpus and sample SDP file (corpus at /work/shared/corpus/sdp)', () => {
    const files = sdpFiles();
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const b = new Uint8Array(readFileSync(f));
      expect(viaScan(b), f).toEqual(viaParseSdp(b));
    }
  });

  it('never throws on random bytes', () => {
    let seed = 7;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const alphabet = 'vcmoa=:/ \r\n0123456789RTP/AVPIN IP4.rtpmap-x';
    for (let i = 0; i < 500; i++) {
      const s = Array.from({ length: Math.floor(rnd() * 200) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const b = enc.encode(s);
      expect(() => scanSdp(b, 0, b.length)).not.toThrow();
      expect(() => scanSdp(b, -5, b.length + 10)).not.toThrow();
    }
  });
});

describe('sipBodyStart', () => {
  it('finds the body after CRLF CRLF, LF LF and with no headers', () => {
    const a = enc.encode('INVITE sip:x SIP/2.0\r\nA: b\r\n\r\nv=0\r\n');
    expect(new TextDecoder().decode(a.subarray(sipBodyStart(a)))).toBe('v=0\r\n');
    const b = enc.encode('INVITE sip:x SIP/2.0\nA: b\n\nv=0\n');
    expect(new TextDecoder().decode(b.subarray(sipBodyStart(b)))).toBe('v=0\n');
    const c = enc.encode('SIP/2.0 200 OK\r\n\r\nv=0');
    expect(sipBodyStart(c)).toBe(c.length - 3);
    expect(sipBodyStart(enc.encode('SIP/2.0 200 OK\r\nA: b\r\n'))).toBe(-1);
    // A CR LF CR LF after an earlier LF LF (mixed): the first empty line wins.
    const d = enc.encode('X SIP/2.0\nA: b\n\nv=0\r\n\r\n');
    expect(sipBodyStart(d)).toBe(d.indexOf(0x76));
  });
});

describe('ipv4WordOf', () => {
  it('parses dotted quads like parseIp, without allocating, and rejects the rest', () => {
    for (const t of ['0.0.0.0', '10.0.0.1', '192.168.255.254', '255.255.255.255', '1.2.3.4']) expect(ipv4WordOf(t)).toBe(ipv4Word(parseIp(t)!));
    for (const t of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', 'a.b.c.d', '2001:db8::1', '1.2.3.4 ', '', '01234.1.1.1']) expect(ipv4WordOf(t)).toBeNaN();
  });
});

const at = (callIndex: number, messageId: number, src = '10.0.0.1'): SdpSighting => ({
  callIndex, messageId, frame: messageId + 1, timeSec: 1_700_000_000 + messageId, timeNsec: 0, src, srcPort: 5060,
});

function add(reg: MediaRegistry, sdp: string, sighting: SdpSighting): void {
  const b = enc.encode(sdp);
  reg.addSdp(b, 0, b.length, sighting);
}

const v4 = (reg: MediaRegistry, ip: string, port: number, kind = KIND_RTP) => reg.findV4(ipv4Word(parseIp(ip)!), port, kind);

describe('MediaRegistry', () => {
  it('infers offer/answer per call (RFC 3264): repeats keep their role, re-INVITE starts a new exchange', () => {
    const reg = new MediaRegistry();
    const A = (v: number) => sdpText({ ip: '10.0.0.1', port: 4000, origin: `o=alice 1 ${v} IN IP4 10.0.0.1` });
    const B = (v: number, port = 5000) => sdpText({ ip: '10.0.0.2', port, origin: `o=bob 9 ${v} IN IP4 10.0.0.2` });
    add(reg, A(1), at(0, 0)); // INVITE
    add(reg, B(1), at(0, 2, '10.0.0.2')); // 183
    add(reg, B(1), at(0, 3, '10.0.0.2')); // 200, same SDP
    add(reg, B(2, 6000), at(0, 10, '10.0.0.2')); // re-INVITE from bob (new address)
    add(reg, A(2), at(0, 11)); // 200
    const rows = reg.media.toArray();
    expect(rows.map((r) => [r.messageId, r.role, r.port, r.replaces])).toEqual([
      [0, 'offer', 4000, -1],
      [2, 'answer', 5000, -1],
      [3, 'answer', 5000, 1],
      [10, 'offer', 6000, 2],
      [11, 'answer', 4000, 0],
    ]);
    expect(reg.media.forCall(0).length).toBe(5);
    expect(reg.media.forCall(1)).toEqual([]);
    // Old and new addresses stay registered (tshark keeps old conversations too).
    expect(v4(reg, '10.0.0.2', 5000)?.callIndex).toBe(0);
    expect(v4(reg, '10.0.0.2', 6000)?.declaration).toBe(3);
    // RTCP at port + 1 (RFC 3550 §11), RTP only on the m= port.
    expect(v4(reg, '10.0.0.1', 4001, KIND_RTCP)).toBeDefined();
    expect(v4(reg, '10.0.0.1', 4001, KIND_RTP)).toBeUndefined();
    expect(v4(reg, '10.0.0.1', 4000, KIND_RTCP)).toBeUndefined();
  });

  it('updates an endpoint in place when the same party re-declares it (payload types follow)', () => {
    const reg = new MediaRegistry();
    add(reg, sdpText({ ip: '10.0.0.1', port: 4000, formats: '0' }), at(0, 0));
    const ep = v4(reg, '10.0.0.1', 4000)!;
    expect(ep.formatOf(96)).toBeUndefined();
    const epoch = reg.epoch;
    add(reg, sdpText({ ip: '10.0.0.1', port: 4000, formats: '96', extra: ['a=rtpmap:96 opus/48000/2'], version: 2 }), at(0, 5));
    expect(v4(reg, '10.0.0.1', 4000)).toBe(ep);
    expect(ep.formatOf(96)?.encoding).toBe('opus');
    expect(ep.clockOf(96)).toBe(48000);
    expect(reg.epoch).toBe(epoch + 1);
    // Another call taking the address gets its own endpoint; the old object keeps its call.
    add(reg, sdpText({ ip: '10.0.0.1', port: 4000, origin: 'o=other 5 1 IN IP4 10.0.0.1' }), at(1, 9));
    expect(v4(reg, '10.0.0.1', 4000)!.callIndex).toBe(1);
    expect(ep.callIndex).toBe(0);
  });

  it('does not register hold (0.0.0.0 / port 0), FQDNs or non-RTP protocols, but keeps the declarations', () => {
    const reg = new MediaRegistry();
    add(reg, sdpText({ ip: '0.0.0.0', port: 4000 }), at(0, 0));
    add(reg, sdpText({ ip: '10.0.0.1', port: 0 }), at(0, 1));
    add(reg, sdpText({ ip: 'media.example.com', port: 4000 }), at(0, 2));
    add(reg, sdpText({ ip: '10.0.0.9', port: 4000, proto: 'udptl', formats: 't38' }), at(0, 3));
    add(reg, sdpText({ ip: '::', port: 4000 }), at(0, 4));
    const rows = reg.media.toArray();
    expect(rows.map((r) => r.active)).toEqual([false, false, false, false, false]);
    expect(rows[3]!.payloadTypes).toEqual([]);
    expect(v4(reg, '10.0.0.9', 4000, KIND_ANY)).toBeUndefined();
  });

  it('honours a=rtcp (RFC 3605), rtcp-mux (RFC 5761) and IPv6', () => {
    const reg = new MediaRegistry();
    add(reg, sdpText({ ip: '10.0.0.1', port: 4000, extra: ['a=rtcp:4100 IN IP4 10.0.0.7'] }), at(0, 0));
    add(reg, sdpText({ ip: '10.0.0.2', port: 5000, extra: ['a=rtcp-mux'] }), at(0, 1, '10.0.0.2'));
    add(reg, sdpText({ ip: '2001:db8::5', port: 7000 }), at(2, 2));
    const [a, b, c] = reg.media.toArray();
    expect([a!.rtcpAddress, a!.rtcpPort, a!.rtcpMux]).toEqual(['10.0.0.7', 4100, false]);
    expect([b!.rtcpAddress, b!.rtcpPort, b!.rtcpMux]).toEqual(['10.0.0.2', 5000, true]);
    expect(v4(reg, '10.0.0.7', 4100, KIND_RTCP)).toBeDefined();
    expect(v4(reg, '10.0.0.2', 5000, KIND_RTCP)).toBeDefined();
    expect(v4(reg, '10.0.0.2', 5000, KIND_RTP)).toBeDefined();
    expect(c!.address).toBe('2001:db8::5');
    expect(reg.findV6(ipv6Key(parseIp('2001:db8::5')!, 7000), KIND_RTP)?.callIndex).toBe(2);
    expect(reg.findV6(ipv6Key(parseIp('2001:db8::5')!, 7001), KIND_RTCP)?.callIndex).toBe(2);
  });

  it('materialises rows as plain data with payload types in m= order', () => {
    const reg = new MediaRegistry();
    add(reg, sdpText({ ip: '10.0.0.1', port: 4000, formats: '101 8 0 96', extra: ['a=sendonly'] }), at(0, 0));
    const d = reg.media.get(0);
    expect(d).toMatchObject({ index: 0, callIndex: 0, messageId: 0, frame: 1, timeSec: 1_700_000_000, role: 'offer', mline: 0, media: 'audio', proto: 'RTP/AVP', address: '10.0.0.1', port: 4000, rtcpPort: 4001, direction: 'sendonly', active: true, replaces: -1 });
    expect(d.payloadTypes.map((f) => `${f.payloadType} ${f.encoding}/${f.clockRate}`)).toEqual(['101 telephone-event/8000', '8 PCMA/8000', '0 PCMU/8000', '96 /0']);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});
