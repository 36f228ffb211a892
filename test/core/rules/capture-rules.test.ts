// Capture NAT rules on small synthetic captures (pcap-writer): every rule positive and negative, trusted networks,
// loopback (same-host) traffic, the same message seen twice, and inputs that must not throw.
import { describe, expect, it } from 'vitest';
import { importCapture } from '../../../src/core/capture/import-capture';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { lintCapture, type CaptureLintResult } from '../../../src/core/rules/run-capture';
import { DEFAULT_LINT_SETTINGS, type Finding, type LintSettings } from '../../../src/core/rules/types';
import { RULES } from '../../../src/core/rules/registry';
import { buildFrame, crlf, ethernetFrame, ipv4Packet, writePcap, writePcapng, type RawRecord } from '../../helpers/pcap-writer';

// ------------------------------------------------------------------------------------------------ builders

const T0 = 1_700_000_000;

interface SipOpts {
  callId?: string;
  cseq?: number;
  method?: string;
  /** Via header values, top first. */
  vias: string[];
  fromTag?: string;
  toTag?: string;
  from?: string;
  to?: string;
  contact?: string;
  recordRoute?: string;
  expires?: number;
  sdp?: { c: string; port: number; dir?: string; o?: string; version?: number };
}

function sdpBody(s: NonNullable<SipOpts['sdp']>): string {
  return crlf(`v=0
o=${s.o ?? 'user'} 1234 ${s.version ?? 1} IN IP4 ${s.c}
s=-
c=IN IP4 ${s.c}
t=0 0
m=audio ${s.port} RTP/AVP 8
a=rtpmap:8 PCMA/8000
a=${s.dir ?? 'sendrecv'}
`);
}

function headers(o: SipOpts): string[] {
  const h = o.vias.map((v) => `Via: ${v}`);
  h.push(`From: <sip:${o.from ?? 'alice'}@example.net>;tag=${o.fromTag ?? 'a1'}`);
  h.push(`To: <sip:${o.to ?? 'bob'}@example.net>${o.toTag ? `;tag=${o.toTag}` : ''}`);
  h.push(`Call-ID: ${o.callId ?? 'call-1@test'}`);
  h.push(`CSeq: ${o.cseq ?? 1} ${o.method ?? 'INVITE'}`);
  if (o.contact) h.push(`Contact: ${o.contact}`);
  if (o.recordRoute) h.push(`Record-Route: ${o.recordRoute}`);
  if (o.expires !== undefined) h.push(`Expires: ${o.expires}`);
  return h;
}

function finish(start: string, o: SipOpts): string {
  const body = o.sdp ? sdpBody(o.sdp) : '';
  const h = headers(o);
  if (body) h.push('Content-Type: application/sdp');
  h.push(`Content-Length: ${new TextEncoder().encode(body).length}`);
  return `${start}\r\n${h.join('\r\n')}\r\n\r\n${body}`;
}

const req = (ruri: string, o: SipOpts) => finish(`${o.method ?? 'INVITE'} ${ruri} SIP/2.0`, o);
const resp = (status: number, reason: string, o: SipOpts) => finish(`SIP/2.0 ${status} ${reason}`, o);

interface Pkt {
  t: number;
  src: string;
  sp: number;
  dst: string;
  dp: number;
  payload: string | Uint8Array;
}

const udp = (t: number, src: string, dst: string, payload: string | Uint8Array): Pkt => {
  const [s, sp] = src.split(':');
  const [d, dp] = dst.split(':');
  return { t, src: s!, sp: Number(sp), dst: d!, dp: Number(dp), payload };
};

function rtp(seq: number, ssrc: number): Uint8Array {
  const b = new Uint8Array(12 + 160);
  b[0] = 0x80;
  b[1] = 8;
  b[2] = seq >> 8;
  b[3] = seq & 0xff;
  const ts = seq * 160;
  b[4] = (ts >>> 24) & 0xff;
  b[5] = (ts >>> 16) & 0xff;
  b[6] = (ts >>> 8) & 0xff;
  b[7] = ts & 0xff;
  b[8] = (ssrc >>> 24) & 0xff;
  b[9] = (ssrc >>> 16) & 0xff;
  b[10] = (ssrc >>> 8) & 0xff;
  b[11] = ssrc & 0xff;
  return b;
}

/** `n` RTP packets 20 ms apart from src to dst. */
function rtpFlow(t: number, src: string, dst: string, ssrc: number, n = 10): Pkt[] {
  return Array.from({ length: n }, (_, i) => udp(t + i * 0.02, src, dst, rtp(i + 1, ssrc)));
}

/** ICMP destination unreachable (RFC 792) from `reporter` about the UDP datagram `about`. */
function icmpFrame(reporter: string, about: Pkt, code: number): Uint8Array {
  const l4 = new Uint8Array(8 + 8);
  l4[0] = about.sp >> 8;
  l4[1] = about.sp & 0xff;
  l4[2] = about.dp >> 8;
  l4[3] = about.dp & 0xff;
  const inner = ipv4Packet(about.src, about.dst, 17, l4).subarray(0, 28);
  const body = new Uint8Array(8 + inner.length);
  body[0] = 3;
  body[1] = code;
  body.set(inner, 8);
  return ethernetFrame(ipv4Packet(reporter, about.src, 1, body));
}

type Rec = Pkt | { t: number; frame: Uint8Array };

function pcap(recs: Rec[]): Uint8Array {
  return writePcap(
    recs.map((r): RawRecord => ('frame' in r ? { time: T0 + r.t, data: r.frame } : { time: T0 + r.t, data: buildFrame({ src: r.src, dst: r.dst, srcPort: r.sp, dstPort: r.dp, payload: r.payload }) })),
  );
}

const SETTINGS: LintSettings = DEFAULT_LINT_SETTINGS;

async function lint(bytes: Uint8Array, settings: LintSettings = SETTINGS): Promise<CaptureLintResult> {
  const model = await importCapture(memoryByteSource(bytes));
  return lintCapture(model, settings);
}

const ids = (r: CaptureLintResult) => [...new Set(r.findings.map((f) => f.ruleId))].sort();
const find = (r: CaptureLintResult, id: string): Finding[] => r.findings.filter((f) => f.ruleId === id);
function one(r: CaptureLintResult, id: string): Finding {
  const l = find(r, id);
  expect(l.length, `${id} in ${JSON.stringify(r.findings.map((f) => [f.ruleId, f.message]), null, 1)}`).toBeGreaterThan(0);
  return l[0]!;
}

// ------------------------------------------------------------------------------------------------ scenarios

const ALICE_LAN = '192.168.1.10';
const NAT = '203.0.113.2';
const PROXY = '192.0.2.10';
const BOB = '198.51.100.2';

/** alice REGISTERs from behind NAT: Via/Contact private, source NAT:natPort; the 200 OK goes to `replyTo`. */
function register(o: { rport?: boolean; natPort?: number; replyTo?: string; received?: boolean; rportValue?: boolean; contactReceived?: boolean; expires?: number; via?: string } = {}): Pkt[] {
  const natPort = o.natPort ?? 40000;
  const via = `SIP/2.0/UDP ${o.via ?? `${ALICE_LAN}:5060`};branch=z9hG4bK-r1${o.rport ? ';rport' : ''}`;
  const base: SipOpts = { method: 'REGISTER', vias: [via], from: 'alice', to: 'alice', callId: 'reg-1@test', contact: `<sip:alice@${ALICE_LAN}:5060>`, expires: o.expires ?? 3600 };
  const respVia = `SIP/2.0/UDP ${o.via ?? `${ALICE_LAN}:5060`};branch=z9hG4bK-r1${o.rportValue ? `;rport=${natPort}` : o.rport ? ';rport' : ''}${o.received === false ? '' : `;received=${NAT}`}`;
  const contact = `<sip:alice@${ALICE_LAN}:5060>;expires=${o.expires ?? 3600}${o.contactReceived ? `;received="sip:${NAT}:${natPort}"` : ''}`;
  return [
    udp(0, `${NAT}:${natPort}`, `${PROXY}:5060`, req(`sip:example.net`, base)),
    udp(0.05, `${PROXY}:5060`, o.replyTo ?? `${NAT}:${natPort}`, resp(200, 'OK', { ...base, vias: [respVia], toTag: 'reg', contact })),
  ];
}

/**
 * A call through a proxy: alice (behind NAT, private SDP) -> proxy -> bob (public). `fixContact`: the proxy rewrites
 * alice's Contact to her NAT address; `bobLatches`: bob sends RTP to alice's observed source; `icmp`: ICMP for RTP
 * sent to the private address.
 */
function call(o: { aliceSdp?: string; bobLatches?: boolean; icmp?: boolean; fixContact?: boolean; bobRtp?: boolean; aliceRtp?: boolean } = {}): Rec[] {
  const aliceC = o.aliceSdp ?? ALICE_LAN;
  const v1 = `SIP/2.0/UDP ${ALICE_LAN}:5060;branch=z9hG4bK-i1;rport`;
  const v1r = `SIP/2.0/UDP ${ALICE_LAN}:5060;branch=z9hG4bK-i1;rport=40000;received=${NAT}`;
  const vp = `SIP/2.0/UDP ${PROXY};branch=z9hG4bK-p1`;
  const inv: SipOpts = { vias: [v1], contact: `<sip:alice@${ALICE_LAN}:5060>`, sdp: { c: aliceC, port: 6000, o: 'alice' } };
  const invFwd: SipOpts = { ...inv, vias: [vp, v1], recordRoute: `<sip:${PROXY};lr>`, contact: `<sip:alice@${o.fixContact === false ? ALICE_LAN : NAT}:${o.fixContact === false ? 5060 : 40000}>` };
  const ok: SipOpts = { ...inv, vias: [vp, v1r], toTag: 'b1', recordRoute: `<sip:${PROXY};lr>`, contact: `<sip:bob@${BOB}:5060>`, sdp: { c: BOB, port: 7000, o: 'bob' } };
  const okRel: SipOpts = { ...ok, vias: [v1r] };
  const recs: Rec[] = [
    udp(0, `${NAT}:40000`, `${PROXY}:5060`, req(`sip:bob@example.net`, inv)),
    udp(0.01, `${PROXY}:5060`, `${BOB}:5060`, req(`sip:bob@${BOB}:5060`, invFwd)),
    udp(0.5, `${BOB}:5060`, `${PROXY}:5060`, resp(200, 'OK', ok)),
    udp(0.51, `${PROXY}:5060`, `${NAT}:40000`, resp(200, 'OK', okRel)),
  ];
  if (o.aliceRtp !== false) recs.push(...rtpFlow(1, `${NAT}:40002`, `${BOB}:7000`, 0xa11ce));
  if (o.bobRtp !== false) {
    const to = o.bobLatches ? `${NAT}:40002` : `${aliceC}:6000`;
    const flow = rtpFlow(1.005, `${BOB}:7000`, to, 0xb0b);
    recs.push(...flow);
    if (o.icmp) recs.push({ t: 1.006, frame: icmpFrame('198.51.100.1', flow[0]!, 0) });
  }
  return recs.sort((a, b) => a.t - b.t);
}

// ------------------------------------------------------------------------------------------------ tests

describe('capture NAT rules: registry', () => {
  it('registers the capture-scope rules with nat/ ids and references', () => {
    const capture = RULES.filter((r) => r.scope === 'capture');
    expect(capture.length).toBeGreaterThanOrEqual(16);
    for (const r of capture) {
      expect(r.id).toMatch(/^nat\/[a-z0-9-]+$/);
      expect(r.refs.length).toBeGreaterThan(0);
      for (const ref of r.refs) expect(ref.url).toMatch(/^https:\/\//);
    }
    expect(capture.some((r) => r.refs.some((x) => x.url.includes('nathelper.f.nat_uac_test')))).toBe(true);
  });
});

describe('nat/via-source-mismatch (nat_uac_test 2/16)', () => {
  it('private Via arriving from a public address: info when the server forced rport', async () => {
    const r = await lint(pcap(register({ rportValue: true })));
    const f = one(r, 'nat/via-source-mismatch');
    expect(f.severity).toBe('info');
    expect(f.frames).toEqual([1, 2]);
    expect(f.message).toContain('192.168.1.10:5060');
    expect(f.message).toContain('203.0.113.2:40000');
    expect(f.message).toContain('forced');
    expect(f.callId).toBe('reg-1@test');
  });
  it('warning when nothing fixes it (no rport, no answer to the mapping)', async () => {
    const r = await lint(pcap(register().slice(0, 1)));
    expect(one(r, 'nat/via-source-mismatch').severity).toBe('warning');
  });
  it('negative: Via equal to the source (public client)', async () => {
    const via = `SIP/2.0/UDP ${NAT}:5062;branch=z9hG4bK-x;rport`;
    const o: SipOpts = { method: 'OPTIONS', vias: [via], callId: 'o@test' };
    const r = await lint(pcap([udp(0, `${NAT}:5062`, `${PROXY}:5060`, req('sip:example.net', o))]));
    expect(find(r, 'nat/via-source-mismatch')).toEqual([]);
  });
  it('negative: trusted networks and loopback', async () => {
    const r = await lint(pcap(register({ rportValue: true })), { ...SETTINGS, trustedNetworks: ['192.168.0.0/16'] });
    expect(find(r, 'nat/via-source-mismatch')).toEqual([]);
    const via = `SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bK-x`;
    const lo = await lint(pcap([udp(0, '127.0.0.10:5090', '127.0.0.20:5060', req('sip:x@127.0.0.20', { method: 'OPTIONS', vias: [via] }))]));
    expect(lo.findings).toEqual([]);
    expect(lo.stats.sameHostCalls).toBe(1);
  });
});

describe('nat/contact-source-mismatch (nat_uac_test 32/64)', () => {
  it('registrar stored the NAT binding (received= in the 2xx Contact): info', async () => {
    const r = await lint(pcap(register({ rportValue: true, contactReceived: true })));
    const f = one(r, 'nat/contact-source-mismatch');
    expect(f.severity).toBe('info');
    expect(f.message).toContain('registrar stored the NAT address');
  });
  it('no sign of a fix and no NAT-aware server: warning, incoming calls fail', async () => {
    const r = await lint(pcap(register().slice(0, 1)));
    const f = one(r, 'nat/contact-source-mismatch');
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('incoming calls to alice');
  });
  it('a proxy that rewrote the INVITE Contact (fix_nated_contact)', async () => {
    const r = await lint(pcap(call()));
    const f = one(r, 'nat/contact-source-mismatch');
    expect(f.severity).toBe('info');
    expect(f.frames).toEqual([1, 2]);
    expect(f.message).toContain('fix_nated_contact');
  });
  it('a proxy that relayed a private Contact unchanged: warning about in-dialog requests', async () => {
    const r = await lint(pcap(call({ fixContact: false })));
    const f = one(r, 'nat/contact-source-mismatch');
    expect(f.severity).toBe('warning');
    expect(f.message).toMatch(/ACK, BYE, re-INVITE/);
  });
  it('negative: Contact equal to the source', async () => {
    const o: SipOpts = { method: 'REGISTER', vias: [`SIP/2.0/UDP ${NAT}:5062;branch=z9hG4bK-y;rport`], contact: `<sip:alice@${NAT}:5062>` };
    const r = await lint(pcap([udp(0, `${NAT}:5062`, `${PROXY}:5060`, req('sip:example.net', o))]));
    expect(find(r, 'nat/contact-source-mismatch')).toEqual([]);
  });
});

describe('nat/symmetric-nat', () => {
  it('source port differs from the declared port (signalling and RTP)', async () => {
    const r = await lint(pcap(call()));
    const f = one(r, 'nat/symmetric-nat');
    expect(f.message).toContain('5060 -> 40000');
    expect(f.message).toContain('RTP 6000 -> 40002');
  });
  it('negative: address translated but the port kept', async () => {
    const r = await lint(pcap(register({ natPort: 5060, rportValue: true })));
    expect(find(r, 'nat/symmetric-nat')).toEqual([]);
    expect(one(r, 'nat/via-source-mismatch').message).toContain('port kept');
  });
});

describe('nat/response-rport-ignored (RFC 3581 §4)', () => {
  it('rport requested but the response goes to another port', async () => {
    const r = await lint(pcap(register({ rport: true, replyTo: `${NAT}:5060` })));
    const f = one(r, 'nat/response-rport-ignored');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual([1, 2]);
  });
  it('negative: response to the source port', async () => {
    const r = await lint(pcap(register({ rport: true, rportValue: true })));
    expect(find(r, 'nat/response-rport-ignored')).toEqual([]);
  });
});

describe('nat/response-via-port and nat/transaction-incomplete (lab 01b)', () => {
  it('no rport, not forced: replies to the Via port, ICMP port unreachable, retransmissions', async () => {
    const [reg, ok] = register({ replyTo: `${NAT}:5060` });
    const icmp = { t: 0.051, frame: icmpFrame(NAT, ok! as Pkt, 3) };
    const recs: Rec[] = [reg!, ok!, icmp];
    for (const dt of [0.5, 1.5, 3.5]) {
      recs.push({ ...(reg as Pkt), t: dt });
      recs.push({ ...(ok as Pkt), t: dt + 0.05 });
    }
    const r = await lint(pcap(recs.sort((a, b) => a.t - b.t)));
    const f = one(r, 'nat/response-via-port');
    expect(f.severity).toBe('error');
    expect(f.frames).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(f.message).toContain('ICMP port unreachable');
    const t = one(r, 'nat/transaction-incomplete');
    expect(t.message).toContain('kept retransmitting');
    expect(r.verdicts[0]!.summary).toContain('replies sent to the Via port were lost');
  });
  it('the client side: retransmissions and no response at all', async () => {
    const [reg] = register();
    const lan = { ...(reg as Pkt), src: ALICE_LAN, sp: 5060 };
    const r = await lint(pcap([0, 0.5, 1.5, 3.5].map((t) => ({ ...lan, t }))));
    const f = one(r, 'nat/transaction-incomplete');
    expect(f.frames).toEqual([1, 2, 3, 4]);
    expect(f.message).toContain('no response came back');
  });
  it('negative: the response reaches the mapping; or no NAT hint', async () => {
    const r = await lint(pcap(register({ rportValue: true })));
    expect(find(r, 'nat/response-via-port')).toEqual([]);
    expect(find(r, 'nat/transaction-incomplete')).toEqual([]);
    const pubVia: SipOpts = { method: 'OPTIONS', vias: [`SIP/2.0/UDP ${NAT}:5060;branch=z9hG4bK-z`] };
    const lost = [0, 0.5, 1.5].map((t) => udp(t, `${NAT}:5060`, `${PROXY}:5060`, req('sip:example.net', pubVia)));
    expect(find(await lint(pcap(lost)), 'nat/transaction-incomplete')).toEqual([]);
  });
});

describe('nat/response-no-received (RFC 3261 §18.2.1)', () => {
  it('sent-by differs from the source and the response has no received', async () => {
    const r = await lint(pcap(register({ rport: false, received: false, rportValue: false })));
    const f = one(r, 'nat/response-no-received');
    expect(f.frames).toEqual([1, 2]);
  });
  it('negative: received present', async () => {
    const r = await lint(pcap(register({ rportValue: true })));
    expect(find(r, 'nat/response-no-received')).toEqual([]);
  });
});

describe('nat/registration-keepalive', () => {
  const later = (t: number) => udp(t, '192.0.2.99:5060', `${PROXY}:5060`, req('sip:example.net', { method: 'OPTIONS', vias: ['SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-o'], callId: 'o2@test' }));
  it('registered for 3600 s from behind NAT, binding idle for 100 s', async () => {
    const r = await lint(pcap([...register({ rportValue: true }), later(100)]));
    const f = one(r, 'nat/registration-keepalive');
    expect(f.message).toContain('3600 s');
    expect(f.message).toContain('assumed 30 s');
  });
  it('negative: CRLF keep-alives every 20 s on the binding', async () => {
    const ka = [20, 40, 60, 80].map((t) => udp(t, `${NAT}:40000`, `${PROXY}:5060`, '\r\n\r\n'));
    const r = await lint(pcap([...register({ rportValue: true }), ...ka, later(100)]));
    expect(find(r, 'nat/registration-keepalive')).toEqual([]);
  });
  it('negative: STUN binding requests on the binding (RFC 5626 §3.5.2)', async () => {
    const stun = () => {
      const b = new Uint8Array(20);
      b[1] = 0x01; // Binding request
      b.set([0x21, 0x12, 0xa4, 0x42], 4);
      return b;
    };
    const ka = [25, 50, 75].map((t) => udp(t, `${NAT}:40000`, `${PROXY}:5060`, stun()));
    const r = await lint(pcap([...register({ rportValue: true }), ...ka, later(100)]));
    expect(find(r, 'nat/registration-keepalive')).toEqual([]);
  });
  it('negative: registration shorter than the binding timeout', async () => {
    const r = await lint(pcap([...register({ rportValue: true, expires: 20 }), later(100)]));
    expect(find(r, 'nat/registration-keepalive')).toEqual([]);
  });
});

describe('nat/proxy-private-address', () => {
  const fwd = (viaHost: string, rr: string) =>
    udp(0, `198.51.100.9:5060`, `${BOB}:5060`, req(`sip:bob@${BOB}`, { vias: [`SIP/2.0/UDP ${viaHost}:5060;branch=z9hG4bK-p9`, `SIP/2.0/UDP 198.51.100.50:5060;branch=z9hG4bK-u1;received=198.51.100.50`], recordRoute: `<sip:${rr};lr>`, contact: '<sip:carol@198.51.100.50>' }));
  it('a proxy reached on a public address advertises a private one', async () => {
    const r = await lint(pcap([fwd('10.1.1.5', '10.1.1.5')]));
    const f = one(r, 'nat/proxy-private-address');
    expect(f.message).toContain('Record-Route');
    expect(f.message).toContain('10.1.1.5');
  });
  it('negative: advertised public address', async () => {
    const r = await lint(pcap([fwd('198.51.100.9', '198.51.100.9')]));
    expect(find(r, 'nat/proxy-private-address')).toEqual([]);
  });
});

describe('nat/sip-alg', () => {
  it('the same message before and after the NAT, Contact rewritten but not the SDP', async () => {
    const inv: SipOpts = { vias: [`SIP/2.0/UDP ${ALICE_LAN}:5060;branch=z9hG4bK-alg;rport`], contact: `<sip:alice@${ALICE_LAN}:5060>`, sdp: { c: ALICE_LAN, port: 6000 } };
    const before = udp(0, `${ALICE_LAN}:5060`, `${PROXY}:5060`, req('sip:bob@example.net', inv));
    const after = udp(0.0005, `${NAT}:40000`, `${PROXY}:5060`, req('sip:bob@example.net', { ...inv, contact: `<sip:alice@${NAT}:40000>` }));
    const bytes = writePcapng([
      { time: T0, data: buildFrame({ src: before.src, dst: before.dst, srcPort: before.sp, dstPort: before.dp, payload: before.payload }), interfaceId: 0 },
      { time: T0 + 0.0005, data: buildFrame({ src: after.src, dst: after.dst, srcPort: after.sp, dstPort: after.dp, payload: after.payload }), interfaceId: 1 },
    ], [{ linkType: 1 }, { linkType: 1 }]);
    const r = await lint(bytes);
    const f = one(r, 'nat/sip-alg');
    expect(f.frames).toEqual([1, 2]);
    expect(f.message).toContain('Contact');
    expect(f.message).not.toContain('SDP c=');
  });
  it('one message with the public source in Contact but a private SDP', async () => {
    const inv: SipOpts = { vias: [`SIP/2.0/UDP ${NAT}:40000;branch=z9hG4bK-alg2;rport`], contact: `<sip:alice@${NAT}:40000>`, sdp: { c: ALICE_LAN, port: 6000 } };
    const r = await lint(pcap([udp(0, `${NAT}:40000`, `${PROXY}:5060`, req('sip:bob@example.net', inv))]));
    expect(one(r, 'nat/sip-alg').message).toContain('SDP c= 192.168.1.10');
  });
  it('negative: identical copies at two points (no ALG) give one set of findings, no duplicates', async () => {
    const inv: SipOpts = { vias: [`SIP/2.0/UDP ${ALICE_LAN}:5060;branch=z9hG4bK-two;rport`], contact: `<sip:alice@${ALICE_LAN}:5060>`, sdp: { c: ALICE_LAN, port: 6000 } };
    const text = req('sip:bob@example.net', inv);
    const r = await lint(pcap([udp(0, `${ALICE_LAN}:5060`, `${PROXY}:5060`, text), udp(0.0005, `${NAT}:40000`, `${PROXY}:5060`, text)]));
    expect(find(r, 'nat/sip-alg')).toEqual([]);
    const sdp = find(r, 'nat/sdp-private-public-source');
    expect(sdp.length).toBe(1);
    expect(sdp[0]!.frames).toEqual([1, 2]);
    expect(find(r, 'nat/via-source-mismatch').length).toBe(1);
  });
});

describe('media rules', () => {
  it('private SDP over public signalling, RTP unreachable with ICMP, RTP source mismatch, one-way audio', async () => {
    const r = await lint(pcap(call({ icmp: true })));
    const sdp = one(r, 'nat/sdp-private-public-source');
    expect(sdp.frames).toEqual([1, 2]);
    expect(sdp.message).toContain('alice will not hear bob');
    const un = one(r, 'nat/rtp-unreachable');
    expect(un.severity).toBe('error');
    expect(un.message).toContain('ICMP net unreachable');
    const src = one(r, 'nat/rtp-source-mismatch');
    expect(src.message).toContain('203.0.113.2:40002');
    expect(src.message).toContain('192.168.1.10:6000');
    const ow = one(r, 'nat/one-way-audio');
    expect(ow.message).toMatch(/^One-way audio \(alice hears nothing\)/);
    expect(r.verdicts[0]!.summary).toContain('RTP from callee never reached caller: SDP c= 192.168.1.10 is private');
  });
  it('latching: bob sends to alice\'s observed source — media works, informational findings only', async () => {
    const r = await lint(pcap(call({ bobLatches: true })));
    expect(one(r, 'nat/rtp-latching').severity).toBe('info');
    expect(one(r, 'nat/sdp-private-public-source').severity).toBe('info');
    expect(find(r, 'nat/one-way-audio')).toEqual([]);
    expect(find(r, 'nat/rtp-unreachable')).toEqual([]);
  });
  it('the callee\'s RTP never seen on alice\'s side: one-way audio from the missing direction', async () => {
    const recs = call({ bobRtp: false });
    const r = await lint(pcap(recs));
    expect(one(r, 'nat/one-way-audio').message).toContain('no RTP from bob reached alice');
  });
  it('negative: public SDP and RTP from the SDP address', async () => {
    const inv: SipOpts = { vias: [`SIP/2.0/UDP ${NAT}:5062;branch=z9hG4bK-c;rport`], contact: `<sip:alice@${NAT}:5062>`, sdp: { c: NAT, port: 6100, o: 'alice' } };
    const ok: SipOpts = { ...inv, vias: [`SIP/2.0/UDP ${NAT}:5062;branch=z9hG4bK-c;rport=5062;received=${NAT}`], toTag: 'b', contact: `<sip:bob@${BOB}:5062>`, sdp: { c: BOB, port: 6100, o: 'bob' } };
    const recs: Pkt[] = [udp(0, `${NAT}:5062`, `${BOB}:5062`, req('sip:bob@example.net', inv)), udp(0.2, `${BOB}:5062`, `${NAT}:5062`, resp(200, 'OK', ok))];
    recs.push(...rtpFlow(1, `${NAT}:6100`, `${BOB}:6100`, 1), ...rtpFlow(1.005, `${BOB}:6100`, `${NAT}:6100`, 2));
    const r = await lint(pcap(recs.sort((a, b) => a.t - b.t)));
    expect(r.findings).toEqual([]);
    expect(r.verdicts).toEqual([]);
  });
  it('trusted networks: the private SDP is reachable in this deployment', async () => {
    const r = await lint(pcap(call({ icmp: false })), { ...SETTINGS, trustedNetworks: ['192.168.1.0/24'] });
    expect(find(r, 'nat/sdp-private-public-source')).toEqual([]);
    expect(find(r, 'nat/rtp-unreachable')).toEqual([]);
    expect(find(r, 'nat/via-source-mismatch')).toEqual([]);
  });
  it('nat/media-relay: the same SDP version relayed with another c=', async () => {
    const v1 = `SIP/2.0/UDP ${ALICE_LAN}:5060;branch=z9hG4bK-m;rport`;
    const inv: SipOpts = { vias: [v1], contact: `<sip:alice@${ALICE_LAN}:5060>`, sdp: { c: ALICE_LAN, port: 6000, o: 'alice' } };
    const fwd: SipOpts = { ...inv, vias: [`SIP/2.0/UDP ${PROXY};branch=z9hG4bK-m2`, v1], sdp: { c: '192.0.2.50', port: 30000, o: 'alice' } };
    const r = await lint(pcap([udp(0, `${NAT}:40000`, `${PROXY}:5060`, req('sip:bob@example.net', inv)), udp(0.01, `${PROXY}:5060`, `${BOB}:5060`, req('sip:bob@example.net', fwd))]));
    const f = one(r, 'nat/media-relay');
    expect(f.severity).toBe('info');
    expect(f.message).toContain('192.0.2.50');
    const neg = await lint(pcap(call()));
    expect(find(neg, 'nat/media-relay')).toEqual([]);
  });
  it('without RTP streams from the import, the evidence scan analyses RTP itself', async () => {
    const model = await importCapture(memoryByteSource(pcap(call({ icmp: true }))));
    const bare = { ...model, streams: undefined };
    const r = await lintCapture(bare, SETTINGS);
    expect(r.stats.rtp).toBe('scan');
    expect(one(r, 'nat/rtp-unreachable').message).toContain('ICMP');
    expect(one(r, 'nat/one-way-audio').message).toMatch(/^One-way audio/);
  });
  it('negative: ICMP port unreachable after the media stopped is a closed socket at hang-up, not a lost path', async () => {
    const recs = call({ aliceSdp: BOB.replace(/\.2$/, '.3') });
    const last = [...recs].reverse().find((r) => 'dp' in r && (r as Pkt).dp === 6000) as Pkt;
    recs.push({ t: last.t + 2, frame: icmpFrame(last.dst, last, 3) });
    const r = await lint(pcap(recs));
    expect(find(r, 'nat/rtp-unreachable')).toEqual([]);
    expect(find(r, 'nat/one-way-audio')).toEqual([]);
  });
  it('negative for latching: RTP only to the SDP address', async () => {
    const r = await lint(pcap(call()));
    expect(find(r, 'nat/rtp-latching')).toEqual([]);
  });
});

describe('robustness', () => {
  it('never throws on garbage, truncated and empty captures', async () => {
    const good = pcap(call({ icmp: true }));
    for (const cut of [0, 24, 100, good.length >> 1, good.length - 3]) {
      const r = await lint(good.subarray(0, cut));
      expect(Array.isArray(r.findings)).toBe(true);
    }
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919) & 0xff);
    await expect(lint(junk)).resolves.toBeDefined();
  });
  it('severity settings: off silences a rule, an override changes the severity', async () => {
    const off = await lint(pcap(call({ icmp: true })), { ...SETTINGS, severities: { 'nat/one-way-audio': 'off', 'nat/rtp-unreachable': 'hint' } });
    expect(find(off, 'nat/one-way-audio')).toEqual([]);
    expect(one(off, 'nat/rtp-unreachable').severity).toBe('hint');
  });
  it('rule ids found are only capture-scope nat/ rules', async () => {
    const r = await lint(pcap(call({ icmp: true })));
    const capture = new Set(RULES.filter((x) => x.scope === 'capture').map((x) => x.id));
    for (const id of ids(r)) expect(capture.has(id)).toBe(true);
  });
});
