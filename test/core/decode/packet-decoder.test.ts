import { describe, expect, it } from 'vitest';
import { PacketDecoder, type PacketDecoderOptions } from '../../../src/core/decode/packet-decoder';
import { ProblemCollector } from '../../../src/core/capture/problems';
import type { CaptureRecord } from '../../../src/core/capture/types';
import type { NetPacket } from '../../../src/core/decode/types';
import { formatIp } from '../../../src/core/util/ip';
import { buildFrame, bytesOf, ethernetFrame, ipv4Packet, ipv6Packet, l4Segment } from '../../helpers/pcap-writer';
import {
  ah,
  cHdlc,
  concat,
  dot11,
  erspan2,
  erspan3,
  ether,
  etherVlan,
  ext6,
  geneve,
  gre,
  greV1,
  gtpu,
  ipv4Fragment,
  ipv4Fragments,
  ipv4WithOptions,
  ipv6Fragments,
  ipv6Raw,
  nflog,
  nullHeader,
  pktap,
  ppp,
  radiotap,
  sctpChunk,
  sctpData,
  sctpIData,
  sctpPacket,
  sll,
  sll2,
  tzsp,
} from '../../helpers/packet-builders';

interface Pkt {
  frame: number;
  firstFrame: number;
  v: number;
  src: string;
  dst: string;
  proto: number;
  sp: number;
  dp: number;
  text: string;
  len: number;
  fileOffset: number;
  tcpSeq: number;
  tcpAck: number;
  tcpFlags: number;
  stream: number;
  ppid: number;
}

interface In {
  linkType?: number;
  data: Uint8Array;
  time?: number;
  originalLength?: number;
}

const td = new TextDecoder();

function decodeAll(inputs: In[], opts?: PacketDecoderOptions, flush = true) {
  const problems = new ProblemCollector();
  const dec = new PacketDecoder(problems, opts);
  const out: Pkt[] = [];
  let fileOffset = 1000;
  inputs.forEach((x, i) => {
    const t = x.time ?? 1_700_000_000 + i;
    const rec: CaptureRecord = {
      frame: i + 1,
      timeSec: Math.floor(t),
      timeNsec: Math.round((t - Math.floor(t)) * 1e9),
      linkType: x.linkType ?? 1,
      interfaceId: 0,
      data: x.data,
      originalLength: x.originalLength ?? x.data.length,
      fileOffset,
    };
    fileOffset += x.data.length + 16;
    dec.decode(rec, (p: NetPacket) =>
      out.push({
        frame: p.frame,
        firstFrame: p.firstFrame,
        v: p.ipVersion,
        src: formatIp(p.srcIp),
        dst: formatIp(p.dstIp),
        proto: p.protocol,
        sp: p.srcPort,
        dp: p.dstPort,
        text: td.decode(p.payload),
        len: p.payload.length,
        fileOffset: p.payloadFileOffset,
        tcpSeq: p.tcpSeq,
        tcpAck: p.tcpAck,
        tcpFlags: p.tcpFlags,
        stream: p.sctpStream,
        ppid: p.sctpPpid,
      }),
    );
  });
  if (flush) dec.flush();
  return { out, problems, codes: Object.fromEntries(problems.summaries().map((s) => [s.code, s.count])) };
}

const udp = (payload: string | Uint8Array, sp = 5060, dp = 5060) => l4Segment({ payload, srcPort: sp, dstPort: dp });
const v4udp = (payload: string, src = '10.0.0.1', dst = '10.0.0.2') => ipv4Packet(src, dst, 17, udp(payload));
const v6udp = (payload: string, src = '2001:db8::1', dst = '2001:db8::2') => ipv6Packet(src, dst, 17, udp(payload));

describe('Ethernet / IPv4 / UDP', () => {
  it('emits a UDP datagram with addresses, ports, payload and its file offset', () => {
    const frame = buildFrame({ src: '192.0.2.10', dst: '198.51.100.7', srcPort: 5062, dstPort: 5060, payload: 'OPTIONS sip:x SIP/2.0\r\n\r\n' });
    const { out, problems } = decodeAll([{ data: frame }]);
    expect(problems.total).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ frame: 1, firstFrame: 1, v: 4, src: '192.0.2.10', dst: '198.51.100.7', proto: 17, sp: 5062, dp: 5060, text: 'OPTIONS sip:x SIP/2.0\r\n\r\n' });
    expect(out[0]!.fileOffset).toBe(1000 + 14 + 20 + 8);
  });

  it('trims Ethernet padding using the IPv4 total length and the UDP length', () => {
    const frame = concat(buildFrame({ payload: 'ab' }), new Uint8Array(12));
    const { out } = decodeAll([{ data: frame }]);
    expect(out[0]!.text).toBe('ab');
  });

  it('skips IPv4 options (IHL > 5)', () => {
    const ip = ipv4WithOptions('10.1.1.1', '10.2.2.2', 17, udp('opt'), Uint8Array.from([0x94, 0x04, 0, 0, 1, 1, 1, 0]));
    const { out, problems } = decodeAll([{ data: ethernetFrame(ip) }]);
    expect(problems.total).toBe(0);
    expect(out[0]).toMatchObject({ src: '10.1.1.1', dst: '10.2.2.2', text: 'opt' });
  });

  it('ignores ARP/LLDP silently and counts unknown ethertypes as info', () => {
    const { out, problems, codes } = decodeAll([
      { data: ether(0x0806, new Uint8Array(28)) },
      { data: ether(0x88cc, new Uint8Array(30)) },
      { data: ether(0x1234, new Uint8Array(30)) },
      { data: ether(0x0030, new Uint8Array(48)) }, // 802.3 + LLC (STP)
    ]);
    expect(out).toHaveLength(0);
    expect(codes).toEqual({ 'decode/unsupported-ethertype': 1 });
    expect(problems.summaries()[0]!.severity).toBe('info');
  });

  it('decodes LLC/SNAP-encapsulated IP', () => {
    const ip = v4udp('snap');
    const data = concat(Uint8Array.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0, 8 + ip.length]), Uint8Array.from([0xaa, 0xaa, 3, 0, 0, 0, 8, 0]), ip);
    expect(decodeAll([{ data }]).out[0]?.text).toBe('snap');
  });
});

describe('link types', () => {
  const ip4 = v4udp('four');
  const ip6 = v6udp('six');
  const cases: [string, number, Uint8Array, string][] = [
    ['Ethernet', 1, ethernetFrame(ip4), 'four'],
    ['SLL v4', 113, sll(ip4), 'four'],
    ['SLL v6', 113, sll(ip6), 'six'],
    ['SLL2 v4', 276, sll2(ip4), 'four'],
    ['SLL2 v6', 276, sll2(ip6), 'six'],
    ['NULL LE AF_INET', 0, nullHeader(2, ip4, true), 'four'],
    ['NULL BE AF_INET', 0, nullHeader(2, ip4, false), 'four'],
    ['NULL LE AF_INET6 24', 0, nullHeader(24, ip6, true), 'six'],
    ['NULL LE AF_INET6 28', 0, nullHeader(28, ip6, true), 'six'],
    ['NULL BE AF_INET6 30', 0, nullHeader(30, ip6, false), 'six'],
    ['LOOP BE', 108, nullHeader(2, ip4, false), 'four'],
    ['LOOP LE', 108, nullHeader(30, ip6, true), 'six'],
    ['RAW 101 v4', 101, ip4, 'four'],
    ['RAW 101 v6', 101, ip6, 'six'],
    ['RAW 12', 12, ip4, 'four'],
    ['RAW 14', 14, ip6, 'six'],
    ['IPV4 228', 228, ip4, 'four'],
    ['IPV6 229', 229, ip6, 'six'],
    ['PPP 9', 9, ppp(ip4), 'four'],
    ['PPP 9 without address/control, compressed protocol', 9, ppp(ip6, true), 'six'],
    ['PPP_HDLC 50', 50, ppp(ip6), 'six'],
    ['Cisco HDLC 104', 104, cHdlc(ip4), 'four'],
    ['NFLOG 239 little-endian TLVs', 239, nflog(ip4), 'four'],
    ['NFLOG 239 big-endian TLVs', 239, nflog(ip6, true), 'six'],
    ['802.11 data 105', 105, dot11(ip4), 'four'],
    ['802.11 QoS data with four addresses 105', 105, dot11(ip6, { qos: true, wds: true }), 'six'],
    ['radiotap + 802.11 QoS data 127', 127, radiotap(dot11(ip4, { qos: true })), 'four'],
    ['PKTAP around Ethernet 258', 258, pktap(ethernetFrame(ip4)), 'four'],
    ['PKTAP around RAW 258', 258, pktap(ip6, 12), 'six'],
  ];
  for (const [name, lt, data, text] of cases) {
    it(`decodes ${name}`, () => {
      const { out, problems } = decodeAll([{ linkType: lt, data }]);
      expect(problems.total).toBe(0);
      expect(out).toHaveLength(1);
      expect(out[0]!.text).toBe(text);
      expect(out[0]!.src).toBe(text === 'four' ? '10.0.0.1' : '2001:db8::1');
    });
  }

  it('ignores 802.11 frames it cannot read (protected body, management) without a problem', () => {
    const mgmt = Uint8Array.from([0x80, 0, ...new Array(30).fill(0)]); // beacon
    const { out, problems } = decodeAll([{ linkType: 105, data: dot11(ip4, { protectedBody: true }) }, { linkType: 127, data: radiotap(mgmt) }]);
    expect(out).toHaveLength(0);
    expect(problems.total).toBe(0);
  });

  it('counts an unknown link type per frame', () => {
    const { out, codes } = decodeAll([{ linkType: 147, data: ip4 }, { linkType: 147, data: ip4 }]);
    expect(out).toHaveLength(0);
    expect(codes).toEqual({ 'capture/unknown-link-type': 2 });
  });

  it('ignores SLL netlink and non-IP pseudo protocols', () => {
    const netlink = concat(Uint8Array.from([0, 4, 0x03, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), new Uint8Array(20));
    const { out, problems } = decodeAll([{ linkType: 113, data: netlink }, { linkType: 113, data: sll(new Uint8Array(20), 0x0004) }]);
    expect(out).toHaveLength(0);
    expect(problems.total).toBe(0);
  });
});

describe('VLAN', () => {
  it('strips 802.1Q, 802.1ad QinQ and 0x9100 tags', () => {
    const ip = v4udp('vlan');
    const { out, problems } = decodeAll([
      { data: etherVlan([[0x8100, 100]], 0x0800, ip) },
      { data: etherVlan([[0x88a8, 10], [0x8100, 20]], 0x0800, ip) },
      { data: etherVlan([[0x9100, 10], [0x8100, 20]], 0x86dd, v6udp('vlan6')) },
    ]);
    expect(problems.total).toBe(0);
    expect(out.map((p) => p.text)).toEqual(['vlan', 'vlan', 'vlan6']);
    expect(out[0]!.fileOffset).toBe(1000 + 18 + 20 + 8);
  });

  it('decodes MPLS and PPPoE session frames', () => {
    const ip = v4udp('mpls');
    const mpls = ether(0x8847, concat(Uint8Array.from([0, 1, 0x00, 64, 0, 2, 0x01, 64]), ip));
    const pppoe = ether(0x8864, concat(Uint8Array.from([0x11, 0, 0, 1, 0, ip.length + 2, 0, 0x21]), ip));
    expect(decodeAll([{ data: mpls }, { data: pppoe }]).out.map((p) => p.text)).toEqual(['mpls', 'mpls']);
  });

  it('decodes an Ethernet pseudowire over MPLS (control word, RFC 4385/4448)', () => {
    const inner = ethernetFrame(v4udp('eompls'));
    const pw = ether(0x8847, concat(Uint8Array.from([0, 1, 0x21, 64, 0, 0, 0, 0]), inner));
    const { out, problems } = decodeAll([{ data: pw }]);
    expect(problems.total).toBe(0);
    expect(out.map((p) => p.text)).toEqual(['eompls']);
  });
});

describe('IPv6 extension headers', () => {
  it('walks hop-by-hop, routing, destination options and AH to UDP', () => {
    const rest = concat(ext6(43, 0), ext6(60, 1), ext6(51, 0), ah(17), udp('ext'));
    const { out, problems } = decodeAll([{ linkType: 101, data: ipv6Raw('fe80::1', 'ff02::1:2', 0, rest) }]);
    expect(problems.total).toBe(0);
    expect(out[0]).toMatchObject({ v: 6, src: 'fe80::1', dst: 'ff02::1:2', text: 'ext', proto: 17 });
  });

  it('reports ESP as undecodable (info) and No Next Header as nothing', () => {
    const { out, codes } = decodeAll([
      { linkType: 101, data: ipv6Raw('::1', '::2', 50, new Uint8Array(40)) },
      { linkType: 101, data: ipv6Raw('::1', '::2', 59, new Uint8Array(0)) },
      { linkType: 101, data: ipv4Packet('10.0.0.1', '10.0.0.2', 50, new Uint8Array(30)) },
    ]);
    expect(out).toHaveLength(0);
    expect(codes).toEqual({ 'decode/esp-undecodable': 2 });
  });

  it('handles IPv4 AH', () => {
    const { out } = decodeAll([{ linkType: 101, data: ipv4Packet('10.0.0.1', '10.0.0.2', 51, concat(ah(17), udp('ah4'))) }]);
    expect(out[0]?.text).toBe('ah4');
  });

  it('treats an atomic fragment (offset 0, M=0) as a whole packet', () => {
    const fh = Uint8Array.from([17, 0, 0, 0, 0, 0, 0, 9]);
    const { out, problems } = decodeAll([{ linkType: 101, data: ipv6Raw('::1', '::2', 44, concat(fh, udp('atomic'))) }]);
    expect(problems.total).toBe(0);
    expect(out[0]).toMatchObject({ text: 'atomic', fileOffset: 1000 + 40 + 8 + 8 });
  });
});

describe('tunnels', () => {
  const inner4 = v4udp('inner', '203.0.113.5', '198.51.100.9');
  const inner6 = v6udp('inner6', '2001:db8:1::5', '2001:db8:2::9');
  const outer4 = (proto: number, payload: Uint8Array) => ethernetFrame(ipv4Packet('10.9.9.1', '10.9.9.2', proto, payload));
  const outer6 = (proto: number, payload: Uint8Array) => ethernetFrame(ipv6Packet('fd00::1', 'fd00::2', proto, payload));
  const innerEth = ethernetFrame(inner4);
  const cases: [string, Uint8Array, string][] = [
    ['IP-in-IP (proto 4)', outer4(4, inner4), 'inner'],
    ['6in4 (proto 41)', outer4(41, inner6), 'inner6'],
    ['IPv6-in-IPv6', outer6(41, inner6), 'inner6'],
    ['IPv4-in-IPv6', outer6(4, inner4), 'inner'],
    ['GRE IPv4', outer4(47, gre(0x0800, inner4)), 'inner'],
    ['GRE IPv6 with key+seq+checksum', outer4(47, gre(0x86dd, inner6, { checksum: true, key: 77, seq: 5 })), 'inner6'],
    ['GRE over IPv6', outer6(47, gre(0x0800, inner4, { key: 1 })), 'inner'],
    ['GRE transparent Ethernet bridging', outer4(47, gre(0x6558, innerEth, { key: 3 })), 'inner'],
    ['GRE PPP (enhanced GRE v1)', outer4(47, greV1(ppp(inner4), 9)), 'inner'],
    ['GRE PPP compressed protocol', outer4(47, greV1(ppp(inner6, true))), 'inner6'],
    ['ERSPAN type I', outer4(47, gre(0x88be, innerEth)), 'inner'],
    ['ERSPAN type II', outer4(47, gre(0x88be, erspan2(innerEth), { seq: 1 })), 'inner'],
    ['ERSPAN type III', outer4(47, gre(0x22eb, erspan3(innerEth), { seq: 1 })), 'inner'],
    ['ERSPAN type III with platform subheader', outer4(47, gre(0x22eb, erspan3(innerEth, { platform: true }), { seq: 1 })), 'inner'],
    ['ERSPAN type III frame type IP', outer4(47, gre(0x22eb, erspan3(inner6, { ft: 2 }), { seq: 1 })), 'inner6'],
    ['VXLAN', outer4(17, l4Segment({ srcPort: 50000, dstPort: 4789, payload: concat(Uint8Array.from([8, 0, 0, 0, 0, 0, 1, 0]), innerEth) })), 'inner'],
    ['GRE in GRE', outer4(47, gre(0x0800, ipv4Packet('10.8.8.1', '10.8.8.2', 47, gre(0x0800, inner4)))), 'inner'],
    ['VXLAN from port 4789', outer4(17, l4Segment({ srcPort: 4789, dstPort: 40000, payload: concat(Uint8Array.from([8, 0, 0, 0, 0, 0, 1, 0]), innerEth) })), 'inner'],
    ['GTP-U', outer4(17, l4Segment({ srcPort: 2152, dstPort: 2152, payload: gtpu(inner4) })), 'inner'],
    ['GTP-U with sequence number', outer4(17, l4Segment({ srcPort: 40000, dstPort: 2152, payload: gtpu(inner6, { seq: 7 }) })), 'inner6'],
    ['GTP-U with an extension header', outer6(17, l4Segment({ srcPort: 2152, dstPort: 2152, payload: gtpu(inner4, { ext: true, seq: 1 }) })), 'inner'],
    ['Geneve (Ethernet)', outer4(17, l4Segment({ srcPort: 50000, dstPort: 6081, payload: geneve(0x6558, innerEth) })), 'inner'],
    ['Geneve (IPv6) with options', outer4(17, l4Segment({ srcPort: 50000, dstPort: 6081, payload: geneve(0x86dd, inner6, 2) })), 'inner6'],
    ['TZSP', outer4(17, l4Segment({ srcPort: 50000, dstPort: 37008, payload: tzsp(innerEth) })), 'inner'],
  ];
  for (const [name, frame, text] of cases) {
    it(`reports the innermost IP for ${name}`, () => {
      const { out, problems } = decodeAll([{ data: frame }]);
      expect(problems.summaries()).toEqual([]);
      expect(out).toHaveLength(1);
      const p = out[0]!;
      expect(p.text).toBe(text);
      if (text === 'inner') expect([p.v, p.src, p.dst]).toEqual([4, '203.0.113.5', '198.51.100.9']);
      else expect([p.v, p.src, p.dst]).toEqual([6, '2001:db8:1::5', '2001:db8:2::9']);
      // payload offset still points into the file record
      const at = p.fileOffset - 1000;
      expect(td.decode(frame.subarray(at, at + p.len))).toBe(text);
    });
  }

  it('leaves datagrams on tunnel ports that are not tunnelled as plain UDP, as tshark does', () => {
    const sip = 'OPTIONS sip:b@example.com SIP/2.0';
    const plain = (sp: number, dp: number) => outer4(17, l4Segment({ srcPort: sp, dstPort: dp, payload: bytesOf(sip) }));
    // Not a GTPv1 / Geneve v0 / TZSP v1 / VXLAN header: the payload is the datagram's own.
    for (const port of [2152, 6081, 37008, 4789]) {
      const { out } = decodeAll([{ data: plain(40000, port) }]);
      expect(out.map((p) => [p.src, p.text])).toEqual([['10.9.9.1', sip]]);
    }
    // GTP-U messages other than T-PDU (echo request) carry no user packet.
    const echo = decodeAll([{ data: outer4(17, l4Segment({ srcPort: 2152, dstPort: 2152, payload: gtpu(new Uint8Array(0), { type: 1, seq: 1 }) })) }]);
    expect(echo.out).toHaveLength(0);
    expect(echo.problems.total).toBe(0);
    // SIP's port 5060 below a tunnel port wins, as in tshark (lower port first): a GTP-shaped payload stays UDP.
    const sipFirst = decodeAll([{ data: outer4(17, l4Segment({ srcPort: 5060, dstPort: 6081, payload: geneve(0x0800, inner4) })) }]);
    expect(sipFirst.out.map((p) => [p.src, p.sp, p.dp])).toEqual([['10.9.9.1', 5060, 6081]]);
  });

  it('reports a GTP-U extension header cut short', () => {
    const cut = gtpu(inner4, { ext: true }).subarray(0, 14);
    const { out, codes } = decodeAll([{ data: outer4(17, l4Segment({ srcPort: 2152, dstPort: 2152, payload: cut })) }]);
    expect(out).toHaveLength(0);
    expect(Object.keys(codes)).toHaveLength(1);
  });

  it('gives up on absurd nesting with a problem', () => {
    let ip = v4udp('deep');
    for (let i = 0; i < 12; i++) ip = ipv4Packet('10.0.0.1', '10.0.0.2', 4, ip);
    const { out, codes } = decodeAll([{ linkType: 101, data: ip }]);
    expect(out).toHaveLength(0);
    expect(codes).toEqual({ 'decode/too-many-encapsulations': 1 });
  });
});

describe('IPv4 fragments', () => {
  const msg = 'INVITE sip:bob@example.com SIP/2.0\r\n' + 'X-Pad: ' + 'x'.repeat(3000) + '\r\n\r\n';
  const datagram = udp(msg, 5060, 5080);
  const frags = ipv4Fragments('10.1.0.1', '10.1.0.2', 17, datagram, 1200);

  const orders: [string, number[]][] = [
    ['in order', [0, 1, 2]],
    ['reversed', [2, 1, 0]],
    ['shuffled', [1, 2, 0]],
  ];
  for (const [name, order] of orders) {
    it(`reassembles fragments ${name}; frame = completing record, firstFrame = first record of the set, no file offset`, () => {
      // Two unrelated records first: the set's records are 3, 4 and 5.
      const { out, problems } = decodeAll([{ data: ethernetFrame(v4udp('a')) }, { data: ethernetFrame(v4udp('b')) }, ...order.map((i) => ({ data: ethernetFrame(frags[i]!) }))]);
      expect(problems.total).toBe(0);
      expect(out).toHaveLength(3);
      expect(out.slice(0, 2).map((p) => [p.frame, p.firstFrame])).toEqual([
        [1, 1],
        [2, 2],
      ]);
      expect(out[2]).toMatchObject({ frame: 5, firstFrame: 3, src: '10.1.0.1', dst: '10.1.0.2', sp: 5060, dp: 5080, text: msg, fileOffset: -1 });
    });
  }

  it('resolves overlaps first-data-wins and ignores duplicates', () => {
    const data = udp('AAAAAAAABBBBBBBBCCCCCCCC', 1, 2); // 32 bytes
    const f0 = ipv4Fragment('10.0.0.1', '10.0.0.2', 17, data.subarray(0, 16), 0, true);
    const fOverlap = ipv4Fragment('10.0.0.1', '10.0.0.2', 17, bytesOf('ZZZZZZZZZZZZZZZZ'), 8, true); // bytes 8..24
    const fLast = ipv4Fragment('10.0.0.1', '10.0.0.2', 17, data.subarray(16), 16, false);
    const { out, codes } = decodeAll([{ data: ethernetFrame(f0) }, { data: ethernetFrame(f0) }, { data: ethernetFrame(fOverlap) }, { data: ethernetFrame(fLast) }]);
    expect(out).toHaveLength(1);
    // bytes 0..16 from f0 (UDP header + 'AAAAAAAA'), 16..24 from the overlap (arrived before fLast), 24..32 from fLast
    expect(out[0]!.text).toBe('AAAAAAAAZZZZZZZZCCCCCCCC');
    expect(codes['decode/ip-fragment-overlap']).toBe(3); // duplicate f0, overlap vs f0, fLast vs overlap
  });

  it('reports incomplete sets at flush and never emits non-first fragments alone', () => {
    const { out, codes } = decodeAll([{ data: ethernetFrame(frags[0]!) }, { data: ethernetFrame(frags[2]!) }]);
    expect(out).toHaveLength(0);
    expect(codes).toEqual({ 'decode/ip-fragments-incomplete': 1 });
  });

  it('evicts the oldest set when the buffer count is exceeded', () => {
    const sets = [1, 2, 3, 4].map((id) => ipv4Fragments('10.0.0.1', '10.0.0.2', 17, datagram, 1200, id));
    const inputs = sets.map((s) => ({ data: ethernetFrame(s[0]!) }));
    inputs.push({ data: ethernetFrame(sets[3]![1]!) }, { data: ethernetFrame(sets[3]![2]!) });
    const { out, codes } = decodeAll(inputs, { maxFragmentBuffers: 2 });
    expect(out).toHaveLength(1);
    expect(codes).toEqual({ 'decode/ip-fragments-evicted': 2, 'decode/ip-fragments-incomplete': 1 });
  });

  it('evicts when the byte budget is exceeded', () => {
    const a = ipv4Fragments('10.0.0.1', '10.0.0.2', 17, datagram, 1200, 1);
    const b = ipv4Fragments('10.0.0.1', '10.0.0.2', 17, datagram, 1200, 2);
    const { out, codes } = decodeAll([a[0]!, b[0]!, b[1]!, b[2]!].map((f) => ({ data: ethernetFrame(f) })), { maxFragmentBytes: 3000 });
    expect(out).toHaveLength(1);
    expect(codes['decode/ip-fragments-evicted']).toBe(1);
  });

  it('drops sets that time out by capture time', () => {
    const { out, codes } = decodeAll(
      [
        { data: ethernetFrame(frags[0]!), time: 100 },
        { data: ethernetFrame(frags[1]!), time: 200 },
        { data: ethernetFrame(frags[2]!), time: 201 },
      ],
      { fragmentTimeoutSec: 30 },
    );
    expect(out).toHaveLength(0);
    expect(codes).toEqual({ 'decode/ip-fragments-incomplete': 2 });
  });

  it('keys fragments by (src, dst, id, protocol)', () => {
    const other = ipv4Fragments('10.0.0.9', '10.1.0.2', 17, datagram, 1200);
    const { out } = decodeAll([frags[0]!, other[1]!, frags[1]!, other[0]!, frags[2]!, other[2]!].map((f) => ({ data: ethernetFrame(f) })));
    expect(out.map((p) => [p.frame, p.src])).toEqual([
      [5, '10.1.0.1'],
      [6, '10.0.0.9'],
    ]);
  });

  it('rejects fragments beyond 65535 bytes', () => {
    const f = ipv4Fragment('10.0.0.1', '10.0.0.2', 17, new Uint8Array(100), 65528, false);
    const { codes } = decodeAll([{ data: ethernetFrame(f) }]);
    expect(codes).toEqual({ 'decode/bad-ip-fragment': 1 });
  });
});

describe('IPv6 fragments', () => {
  const msg = 'x'.repeat(2500);
  it('reassembles out of order, then walks extension headers inside the fragmentable part', () => {
    const l4 = concat(ext6(17, 0), udp(msg, 5060, 5060)); // destination options inside the fragmentable part
    const frags = ipv6Fragments('2001:db8::a', '2001:db8::b', 60, l4, 1232);
    const { out, problems } = decodeAll([2, 0, 1].map((i) => ({ linkType: 229, data: frags[i]! })));
    expect(problems.total).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ frame: 3, firstFrame: 1, v: 6, src: '2001:db8::a', dst: '2001:db8::b', text: msg, fileOffset: -1 });
  });
});

describe('TCP', () => {
  it('emits data segments and SYN/FIN/RST without data, skips pure ACKs', () => {
    const seg = (flags: number, payload: string, seq = 1000) => buildFrame({ protocol: 'tcp', flags, payload, seq, ack: 77, srcPort: 40000, dstPort: 5060 });
    const { out } = decodeAll([{ data: seg(0x02, '') }, { data: seg(0x10, '') }, { data: seg(0x18, 'REGISTER') }, { data: seg(0x11, '') }, { data: seg(0x04, '') }]);
    expect(out.map((p) => [p.frame, p.tcpFlags, p.text, p.tcpSeq, p.tcpAck, p.proto])).toEqual([
      [1, 0x02, '', 1000, 77, 6],
      [3, 0x18, 'REGISTER', 1000, 77, 6],
      [4, 0x11, '', 1000, 77, 6],
      [5, 0x04, '', 1000, 77, 6],
    ]);
  });

  it('honours the data offset (options)', () => {
    const t = new Uint8Array(32 + 3);
    t.set([0x9c, 0x40, 0x13, 0xc4, 0, 0, 0, 1, 0, 0, 0, 0, 8 << 4, 0x18]);
    t.set([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], 20);
    t.set(bytesOf('abc'), 32);
    const { out } = decodeAll([{ linkType: 101, data: ipv4Packet('10.0.0.1', '10.0.0.2', 6, t) }]);
    expect(out[0]).toMatchObject({ text: 'abc', sp: 40000, dp: 5060, tcpSeq: 1, fileOffset: 1000 + 20 + 32 });
  });

  it('reports a bad data offset', () => {
    const t = new Uint8Array(20);
    t[12] = 2 << 4;
    expect(decodeAll([{ linkType: 101, data: ipv4Packet('10.0.0.1', '10.0.0.2', 6, t) }]).codes).toEqual({ 'decode/bad-tcp-header': 1 });
  });
});

describe('SCTP', () => {
  const ip = (sctp: Uint8Array) => ethernetFrame(ipv4Packet('10.249.30.11', '10.108.207.113', 132, sctp));
  it('emits one packet per DATA chunk in a bundle, skipping control chunks and padding', () => {
    const pkt = sctpPacket(5060, 5061, [
      sctpChunk(3, 0, new Uint8Array(12)), // SACK
      sctpData(1, 0, 0, 0, bytesOf('first')), // 5 bytes: padded
      sctpData(2, 3, 7, 46, bytesOf('second!')),
    ]);
    const { out, problems } = decodeAll([{ data: ip(pkt) }]);
    expect(problems.total).toBe(0);
    expect(out.map((p) => [p.proto, p.sp, p.dp, p.stream, p.ppid, p.text])).toEqual([
      [132, 5060, 5061, 0, 0, 'first'],
      [132, 5060, 5061, 3, 46, 'second!'],
    ]);
    expect(out[0]!.fileOffset).toBe(1000 + 14 + 20 + 12 + 16 + 16);
  });

  it('reassembles fragmented DATA (B/E flags) out of order, per stream and SSN', () => {
    const a = sctpData(10, 1, 5, 0, bytesOf('Hel'), 2);
    const b = sctpData(11, 1, 5, 0, bytesOf('lo '), 0);
    const c = sctpData(12, 1, 5, 0, bytesOf('world'), 1);
    const other = sctpData(13, 2, 0, 0, bytesOf('solo'), 3);
    const { out, problems } = decodeAll([
      { data: ip(sctpPacket(1, 2, [c])) },
      { data: ip(sctpPacket(1, 2, [a, other])) },
      { data: ip(sctpPacket(1, 2, [b])) },
    ]);
    expect(problems.total).toBe(0);
    // firstFrame: the record of the first fragment to arrive (the E fragment, record 1).
    expect(out.map((p) => [p.frame, p.firstFrame, p.stream, p.text, p.fileOffset >= 0])).toEqual([
      [2, 2, 2, 'solo', true],
      [3, 1, 1, 'Hello world', false],
    ]);
  });

  it('reassembles fragmented I-DATA by MID/FSN', () => {
    const a = sctpIData(100, 4, 9, 46, bytesOf('ab'), 2); // B: PPID
    const b = sctpIData(101, 4, 9, 1, bytesOf('cd'), 0); // FSN 1
    const c = sctpIData(102, 4, 9, 2, bytesOf('ef'), 1); // FSN 2, E
    const { out } = decodeAll([{ data: ip(sctpPacket(1, 2, [b, c])) }, { data: ip(sctpPacket(1, 2, [a])) }]);
    expect(out.map((p) => [p.stream, p.ppid, p.text])).toEqual([[4, 46, 'abcdef']]);
  });

  it('reports incomplete messages at flush and bad chunks', () => {
    const a = sctpData(10, 1, 5, 0, bytesOf('Hel'), 2);
    const bad = concat(sctpPacket(1, 2, []), Uint8Array.from([0, 3, 0, 2]));
    const { out, codes } = decodeAll([{ data: ip(sctpPacket(1, 2, [a])) }, { data: ip(bad) }]);
    expect(out).toHaveLength(0);
    expect(codes).toEqual({ 'decode/sctp-message-incomplete': 1, 'decode/bad-sctp-chunk': 1 });
  });
});

describe('truncated and malformed input', () => {
  it('reports decode/truncated for headers cut by the snaplen and skips the packet', () => {
    const full = buildFrame({ payload: 'hello' });
    const { out, codes } = decodeAll([
      { data: full.subarray(0, 10), originalLength: full.length },
      { data: full.subarray(0, 14 + 12), originalLength: full.length },
      { data: full.subarray(0, 14 + 20 + 4), originalLength: full.length },
    ]);
    expect(out).toHaveLength(0);
    expect(codes).toEqual({ 'decode/truncated': 3 });
  });

  it('emits a UDP payload cut by the snaplen with a warning', () => {
    const full = buildFrame({ payload: 'hello world' });
    const { out, codes } = decodeAll([{ data: full.subarray(0, full.length - 6), originalLength: full.length }]);
    expect(out[0]!.text).toBe('hello');
    expect(codes).toEqual({ 'decode/payload-truncated': 1 });
  });

  it('reports bad IP headers', () => {
    const ip = v4udp('x');
    const badVersion = ip.slice();
    badVersion[0] = 0x55;
    const badIhl = ip.slice();
    badIhl[0] = 0x43;
    const badTotal = ip.slice();
    badTotal[2] = 0;
    badTotal[3] = 10;
    const { codes } = decodeAll([{ linkType: 228, data: badVersion }, { linkType: 228, data: badIhl }, { linkType: 228, data: badTotal }]);
    expect(codes).toEqual({ 'decode/bad-ip-header': 3 });
  });

  // SIPSCOPE_FUZZ_ITERATIONS=300000 for a longer run (done when link types or tunnels are added).
  it('never throws on random bytes or mutated packets (fixed seed fuzz)', () => {
    let seed = 0x5eed;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 8;
    };
    const linkTypes = [0, 1, 9, 12, 14, 50, 101, 104, 105, 108, 113, 127, 228, 229, 239, 258, 276, 999];
    const templates: Uint8Array[] = [
      buildFrame({ payload: 'INVITE sip:a@b SIP/2.0\r\n\r\n' }),
      buildFrame({ protocol: 'tcp', src: '2001:db8::1', dst: '2001:db8::2', payload: 'x' }),
      ethernetFrame(ipv4Packet('10.0.0.1', '10.0.0.2', 47, gre(0x22eb, erspan3(buildFrame({ payload: 'y' }), { platform: true }), { seq: 1 }))),
      ethernetFrame(ipv4Packet('10.0.0.1', '10.0.0.2', 132, sctpPacket(1, 2, [sctpData(1, 0, 0, 0, bytesOf('abc'), 2), sctpIData(2, 0, 1, 1, bytesOf('d'), 1)]))),
      ethernetFrame(ipv6Raw('::1', '::2', 0, concat(ext6(44, 0), Uint8Array.from([17, 0, 0, 1, 0, 0, 0, 1]), udp('frag')))),
      ...ipv4Fragments('10.0.0.1', '10.0.0.2', 17, udp('z'.repeat(100)), 32).map(ethernetFrame),
    ];
    const tunnelled = (sp: number, dp: number, payload: Uint8Array) => ethernetFrame(ipv4Packet('10.0.0.1', '10.0.0.2', 17, l4Segment({ srcPort: sp, dstPort: dp, payload })));
    // Templates of other link types, mutated like the Ethernet ones: [link type, frame].
    const linkTemplates: [number, Uint8Array][] = [
      [276, sll2(v4udp('w'))],
      [239, nflog(v4udp('n'))],
      [127, radiotap(dot11(v4udp('r'), { qos: true }))],
      [258, pktap(ethernetFrame(v4udp('p')))],
      [104, cHdlc(v4udp('c'))],
      [9, ppp(v4udp('q'))],
      [1, tunnelled(2152, 2152, gtpu(v4udp('g'), { ext: true, seq: 3 }))],
      [1, tunnelled(40000, 6081, geneve(0x6558, ethernetFrame(v4udp('v')), 2))],
      [1, tunnelled(40000, 37008, tzsp(ethernetFrame(v4udp('t'))))],
      [1, ether(0x8847, concat(Uint8Array.from([0, 1, 0x21, 64, 0, 0, 0, 0]), ethernetFrame(v4udp('m'))))],
    ];
    const problems = new ProblemCollector();
    const dec = new PacketDecoder(problems, { maxFragmentBuffers: 16, maxFragmentBytes: 100_000, fragmentTimeoutSec: 5 });
    let emitted = 0;
    for (let i = 0; i < Number(process.env.SIPSCOPE_FUZZ_ITERATIONS ?? 6000); i++) {
      let data: Uint8Array;
      let lt: number;
      if (i % 2 === 0) {
        data = Uint8Array.from({ length: rnd() % 200 }, () => rnd() & 0xff);
        lt = linkTypes[rnd() % linkTypes.length]!;
      } else {
        const pick = rnd() % (templates.length + linkTemplates.length);
        const other = linkTemplates[pick - templates.length];
        lt = other !== undefined ? other[0] : 1;
        data = (other !== undefined ? other[1] : templates[pick]!).slice();
        const flips = 1 + (rnd() % 6);
        for (let k = 0; k < flips; k++) data[rnd() % data.length] = rnd() & 0xff;
        if (rnd() % 4 === 0) data = data.subarray(0, rnd() % data.length);
      }
      const rec: CaptureRecord = { frame: i + 1, timeSec: 1000 + (i >> 4), timeNsec: 0, linkType: lt, interfaceId: 0, data, originalLength: data.length, fileOffset: i * 300 };
      expect(() =>
        dec.decode(rec, (p) => {
          emitted++;
          expect(p.payload.length).toBeGreaterThanOrEqual(0);
          expect(p.srcIp.length === 4 || p.srcIp.length === 16).toBe(true);
        }),
      ).not.toThrow();
    }
    expect(() => dec.flush()).not.toThrow();
    expect(emitted).toBeGreaterThan(100);
    expect(problems.total).toBeGreaterThan(100);
  });
});
