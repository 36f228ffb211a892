// splitTrace: raw traces (CRLF and LF-only, with and without Content-Length) and every log prefix format, with offsets
// mapped back to the document; it never throws.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messageFromBytes, splitTrace } from '../../../src/core/trace/split-trace';
import type { TraceMessage } from '../../../src/core/trace/types';
import { MappedTextBuilder } from '../../../src/core/trace/mapped-text';

const enc = new TextEncoder();
const dec = new TextDecoder();

function split(text: string): { doc: Uint8Array; msgs: TraceMessage[] } {
  const doc = enc.encode(text);
  return { doc, msgs: splitTrace(doc) };
}

function sipMsg(start: string, body = '', eol = '\r\n', cl: number | 'none' | 'auto' = 'auto'): string {
  const n = enc.encode(body).length;
  const h = [start, 'Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bK1', 'Call-ID: c1@x', 'CSeq: 1 INVITE'];
  if (cl !== 'none') h.push(`Content-Length: ${cl === 'auto' ? n : cl}`);
  return h.join(eol) + eol + eol + body;
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

/** Every message byte maps to a document byte with the same value (restored CRs map to the LF or the '.' they replace). */
function expectFaithful(doc: Uint8Array, m: TraceMessage): void {
  for (let o = 0; o < m.bytes.length; o++) {
    const d = m.toDocumentOffset(o);
    const b = m.bytes[o];
    const ok = doc[d] === b || (b === 13 && (doc[d] === 10 || doc[d] === 0x2e)) || ((b as number) < 32 && doc[d] === 0x23);
    if (!ok) throw new Error(`byte ${o} (${b}) maps to doc ${d} (${doc[d]})`);
  }
  expect(m.span.start).toBe(m.toDocumentOffset(0));
}

describe('raw messages', () => {
  it('splits CRLF messages by Content-Length; bytes are views of the document', () => {
    const a = sipMsg('INVITE sip:bob@example.com SIP/2.0', SDP);
    const b = sipMsg('SIP/2.0 200 OK', SDP);
    const { doc, msgs } = split(a + '\r\n' + b);
    expect(msgs.length).toBe(2);
    expect(dec.decode(msgs[0]!.bytes)).toBe(a);
    expect(dec.decode(msgs[1]!.bytes)).toBe(b);
    expect(msgs[1]!.span.start).toBe(enc.encode(a).length + 2);
    expect(msgs[1]!.toDocumentOffset(5)).toBe(msgs[1]!.span.start + 5);
    expect(msgs[0]!.verbatim).toBe(true);
    expect(msgs[0]!.prefix).toBeUndefined();
    expect(msgs.map((m) => m.index)).toEqual([0, 1]);
    for (const m of msgs) expectFaithful(doc, m);
  });

  it('back-to-back messages without a blank line between them (Content-Length 0)', () => {
    const a = sipMsg('OPTIONS sip:a@example.com SIP/2.0');
    const b = sipMsg('SIP/2.0 200 OK');
    expect(split(a + b).msgs.map((m) => dec.decode(m.bytes))).toEqual([a, b]);
  });

  it('LF-only traces: Content-Length counted with CRLF still ends the body at the right place', () => {
    const body = SDP.replace(/\r\n/g, '\n');
    const crlfLen = enc.encode(SDP).length;
    const a = sipMsg('INVITE sip:bob@example.com SIP/2.0', body, '\n', crlfLen);
    const b = sipMsg('SIP/2.0 180 Ringing', '', '\n');
    const { msgs } = split(a + '\n' + b);
    expect(msgs.map((m) => dec.decode(m.bytes))).toEqual([a, b]);
  });

  it('without Content-Length the body ends at the next start line (after an empty line)', () => {
    const a = sipMsg('INVITE sip:bob@example.com SIP/2.0', SDP, '\r\n', 'none');
    const b = sipMsg('SIP/2.0 100 Trying', '', '\r\n', 'none');
    const { msgs } = split(a + '\r\n\r\n' + b);
    expect(msgs.length).toBe(2);
    expect(dec.decode(msgs[0]!.bytes)).toBe(a);
    expect(dec.decode(msgs[1]!.bytes)).toBe(b);
  });

  it('a too-small Content-Length does not cut an edited body (the body continues on the next line)', () => {
    const a = sipMsg('INVITE sip:bob@example.com SIP/2.0', SDP + 'a=sendrecv\r\n', '\r\n', enc.encode(SDP).length);
    const { msgs } = split(a + '\r\n' + sipMsg('SIP/2.0 100 Trying'));
    expect(msgs.length).toBe(2);
    expect(dec.decode(msgs[0]!.bytes)).toBe(a);
  });

  it('a too-large Content-Length does not swallow the next message', () => {
    const a = sipMsg('INVITE sip:bob@example.com SIP/2.0', SDP, '\r\n', 500);
    const b = sipMsg('SIP/2.0 100 Trying');
    const { msgs } = split(a + '\r\n' + b);
    expect(msgs.map((m) => dec.decode(m.bytes))).toEqual([a, b]);
  });

  it('a message/sipfrag body that starts with a Status-Line stays in its message', () => {
    const frag = 'SIP/2.0 200 OK\r\n';
    const a = sipMsg('NOTIFY sip:bob@example.com SIP/2.0', frag);
    const { msgs } = split(a + '\r\n' + sipMsg('SIP/2.0 200 OK'));
    expect(msgs.length).toBe(2);
    expect(dec.decode(msgs[0]!.bytes)).toBe(a);
  });

  it('text before, between and after messages is ignored', () => {
    const a = sipMsg('OPTIONS sip:a@example.com SIP/2.0');
    const { msgs } = split('# capture notes\nsome text\n\n' + a + '\n---- next ----\n\n' + a + '\ntrailing words\n');
    expect(msgs.length).toBe(2);
    expect(msgs.every((m) => dec.decode(m.bytes) === a)).toBe(true);
  });

  it('a start line with extra spaces or an odd version is still a message start (torture cases)', () => {
    const { msgs } = split(sipMsg('INVITE  sip:bob@example.com  SIP/2.0') + '\r\n' + sipMsg('OPTIONS sip:x@example.com SIP/7.0  ') + '\r\n' + sipMsg('SIP/2.0 4294967301 big'));
    expect(msgs.length).toBe(3);
  });
});

describe('log prefix formats', () => {
  const inv = sipMsg('INVITE sip:bob@example.com SIP/2.0', SDP);
  const ok = sipMsg('SIP/2.0 200 OK');

  it('sngrep "save as txt"', () => {
    const text = `2023/01/10 12:00:00.123456 10.0.0.1:5060 -> 10.0.0.2:5060\n${inv}\n\n2023/01/10 12:00:00.223456 10.0.0.2:5060 -> 10.0.0.1:5060\n${ok}\n\n`;
    const { doc, msgs } = split(text);
    expect(msgs.map((m) => dec.decode(m.bytes))).toEqual([inv, ok]);
    const p = msgs[0]!.prefix!;
    expect(p.format).toBe('sngrep');
    expect([p.src, p.srcPort, p.dst, p.dstPort]).toEqual(['10.0.0.1', 5060, '10.0.0.2', 5060]);
    expect(p.epochSec).toBeCloseTo(Date.UTC(2023, 0, 10, 12) / 1000 + 0.123456, 5);
    expect(dec.decode(doc.subarray(p.span.start, p.span.end))).toBe('2023/01/10 12:00:00.123456 10.0.0.1:5060 -> 10.0.0.2:5060');
  });

  it('ngrep -W byline: "#" separators, U/T lines, a "." per CR (restored)', () => {
    const dots = (m: string) => m.replace(/\r\n/g, '.\n');
    const text = `interface: eth0\nfilter: port 5060\n#\nU 10.0.0.1:5060 -> 10.0.0.2:5060\n${dots(inv)}\n#\nT 2023/01/10 12:00:01.000001 10.0.0.2:5060 -> 10.0.0.1:5060 [AP]\n${dots(ok)}\n####\n`;
    const { doc, msgs } = split(text);
    expect(msgs.map((m) => dec.decode(m.bytes))).toEqual([inv, ok]);
    expect(msgs[0]!.prefix!.transport).toBe('UDP');
    expect(msgs[1]!.prefix!.transport).toBe('TCP');
    expect(msgs[1]!.prefix!.time).toBe('2023/01/10 12:00:01.000001');
    expect(msgs[0]!.restoredCr).toBe(true);
    for (const m of msgs) expectFaithful(doc, m);
  });

  it('ngrep without dots is taken as written', () => {
    const { msgs } = split(`U 10.0.0.1:5060 -> 10.0.0.2:5060\n${inv}\n`);
    expect(dec.decode(msgs[0]!.bytes)).toBe(inv);
    expect(msgs[0]!.verbatim).toBe(true);
  });

  it('tcpdump -A: IP line, header bytes as garbage before the start line, CRs restored', () => {
    const lf = (m: string) => m.replace(/\r\n/g, '\n');
    const text =
      `12:00:00.000122 IP 10.0.0.1.5060 > 10.0.0.2.5060: SIP: INVITE sip:bob@example.com SIP/2.0\nE..Q..@.@..d.3d..\n..2.......${lf(inv)}\n` +
      `2023-01-10 12:00:00.100000 IP6 2001:db8::2.5060 > 2001:db8::1.5060: UDP, length 90\n\`..X.....${lf(ok)}\n`;
    const { doc, msgs } = split(text);
    expect(msgs.map((m) => dec.decode(m.bytes))).toEqual([inv, ok]);
    expect(msgs[0]!.prefix).toMatchObject({ format: 'tcpdump', src: '10.0.0.1', srcPort: 5060, dst: '10.0.0.2', dstPort: 5060, transport: 'UDP' });
    expect(msgs[1]!.prefix).toMatchObject({ src: '2001:db8::2', srcPort: 5060, dst: '2001:db8::1' });
    expect(msgs[1]!.prefix!.epochSec).toBeDefined();
    for (const m of msgs) expectFaithful(doc, m);
  });

  it('Kamailio via syslog, one line per message line', () => {
    const pre = 'Jan 10 12:00:00 proxy1 kamailio[123]: ';
    const lines = inv.replace(/\r\n$/, '').split('\r\n');
    const text =
      `${pre}INFO: <script>: new request\n` +
      `${pre}DEBUG: <core> [core/receive.c:211]: receive_msg(): buf=${lines[0]}\n` +
      lines.slice(1).map((l) => pre + l + '\n').join('') +
      `${pre}DEBUG: <core> [core/parser/msg_parser.c:634]: parse_msg(): SIP Request:\n`;
    const { doc, msgs } = split(text);
    expect(msgs.length).toBe(1);
    expect(dec.decode(msgs[0]!.bytes)).toBe(inv);
    expect(msgs[0]!.prefix).toMatchObject({ format: 'kamailio', time: 'Jan 10 12:00:00' });
    expectFaithful(doc, msgs[0]!);
  });

  it('Kamailio xlog("$mb") via rsyslog: #015#012 escapes on one line', () => {
    const esc = (m: string) => m.replace(/\r/g, '#015').replace(/\n/g, '#012');
    const text = `Jan 10 12:00:00 proxy1 /usr/sbin/opensips[99]: INFO: <script>: got from udp:10.0.0.1:5060: ${esc(inv)}\nJan 10 12:00:01 proxy1 /usr/sbin/opensips[99]: NOTICE: done\n`;
    const { doc, msgs } = split(text);
    expect(msgs.length).toBe(1);
    expect(dec.decode(msgs[0]!.bytes)).toBe(inv);
    expect(msgs[0]!.prefix).toMatchObject({ format: 'opensips', src: '10.0.0.1', srcPort: 5060, transport: 'UDP', direction: 'in' });
    expectFaithful(doc, msgs[0]!);
  });

  it('Kamailio logging to stderr: the message starts inside the log line', () => {
    const text = ` 0(4711) INFO: <script>: ${inv}\n 0(4711) INFO: <script>: next\n`;
    const { msgs } = split(text);
    expect(msgs.length).toBe(1);
    expect(dec.decode(msgs[0]!.bytes)).toBe(inv);
    expect(msgs[0]!.prefix!.format).toBe('kamailio');
  });

  it('Asterisk chan_sip: "SIP read from" / "Transmitting (NAT) to" and the <-------------> terminator', () => {
    const text = `<--- SIP read from UDP:10.0.0.1:5060 --->\n${inv}<------------->\n--- (12 headers 6 lines) ---\n<--- Transmitting (NAT) to 10.0.0.1:5060 --->\n${ok}\n<------------>\n`;
    const { msgs } = split(text);
    expect(msgs.map((m) => dec.decode(m.bytes))).toEqual([inv, ok]);
    expect(msgs[0]!.prefix).toMatchObject({ format: 'asterisk', direction: 'in', src: '10.0.0.1', srcPort: 5060, transport: 'UDP' });
    expect(msgs[1]!.prefix).toMatchObject({ direction: 'out', dst: '10.0.0.1', dstPort: 5060 });
  });

  it('Asterisk res_pjsip_logger with full-log prefixes', () => {
    const text =
      `[2024-03-05 12:00:02.101] VERBOSE[2871] res_pjsip_logger.c: <--- Received SIP request (900 bytes) from UDP:[2001:db8::5]:5062 --->\n${inv}\n` +
      `[2024-03-05 12:00:02.102] VERBOSE[2871] res_pjsip/pjsip_configuration.c: Endpoint 6001 is now Reachable\n` +
      `[2024-03-05 12:00:02.103] VERBOSE[2871] res_pjsip_logger.c: <--- Transmitting SIP response (300 bytes) to TLS:203.0.113.9:5061 --->\n${ok}\n`;
    const { msgs } = split(text);
    expect(msgs.map((m) => dec.decode(m.bytes))).toEqual([inv, ok]);
    expect(msgs[0]!.prefix).toMatchObject({ direction: 'in', src: '2001:db8::5', srcPort: 5062 });
    expect(msgs[1]!.prefix).toMatchObject({ direction: 'out', dst: '203.0.113.9', dstPort: 5061, transport: 'TLS' });
  });

  it('FreeSWITCH sofia siptrace: indent removed, CRs restored, dashed separators', () => {
    const dump = (what: string, m: string) => {
      const lines = m.split('\r\n');
      if (m.endsWith('\r\n')) lines.pop();
      return `${what} ${enc.encode(m).length} bytes ${what === 'recv' ? 'from' : 'to'} udp/[10.0.0.1]:5060 at 12:00:00.123456:\n   ${'-'.repeat(72)}\n${lines.map((l) => '   ' + l + '\n').join('')}   ${'-'.repeat(72)}\n`;
    };
    const { doc, msgs } = split(dump('recv', inv) + dump('send', ok));
    expect(msgs.map((m) => dec.decode(m.bytes))).toEqual([inv, ok]);
    expect(msgs[0]!.prefix).toMatchObject({ format: 'freeswitch', direction: 'in', src: '10.0.0.1', srcPort: 5060, time: '12:00:00.123456', transport: 'UDP' });
    expect(msgs[1]!.prefix).toMatchObject({ direction: 'out', dst: '10.0.0.1' });
    expect(msgs[0]!.verbatim).toBe(false);
    for (const m of msgs) expectFaithful(doc, m);
  });
});

describe('robustness', () => {
  it('returns [] for empty or non-SIP input and never throws on random bytes', () => {
    expect(splitTrace(new Uint8Array(0))).toEqual([]);
    expect(splitTrace(enc.encode('hello\nworld\n'))).toEqual([]);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const pieces = ['INVITE sip:a@b SIP/2.0\r\n', 'SIP/2.0 200 OK\n', 'Content-Length: 5\r\n', '\r\n', 'U 1.2.3.4:5 -> 5.6.7.8:9\n', '#\n', '<--- SIP read from UDP:1.2.3.4:5060 --->\n', 'Jan 10 12:00:00 h kamailio[1]: ', 'recv 9 bytes from udp/[1.2.3.4]:5060 at 12:00:00.1:\n', '   ' + '-'.repeat(72) + '\n', '#015#012', 'x', '\u00e9', '.\n'];
    for (let k = 0; k < 300; k++) {
      let s = '';
      const n = Math.floor(rnd() * 40);
      for (let i = 0; i < n; i++) s += pieces[Math.floor(rnd() * pieces.length)];
      const bytes = enc.encode(s);
      if (rnd() < 0.3) for (let i = 0; i < bytes.length; i++) if (rnd() < 0.05) bytes[i] = Math.floor(rnd() * 256);
      const msgs = splitTrace(bytes);
      for (const m of msgs) {
        expect(m.span.start).toBeGreaterThanOrEqual(0);
        expect(m.span.end).toBeLessThanOrEqual(bytes.length);
        expect(m.span.end).toBeGreaterThanOrEqual(m.span.start);
        expect(m.toDocumentOffset(m.bytes.length)).toBeLessThanOrEqual(bytes.length);
      }
    }
  });

  it('messageFromBytes wraps a datagram with identity offsets', () => {
    const b = enc.encode(sipMsg('OPTIONS sip:a@b SIP/2.0'));
    const m = messageFromBytes(b);
    expect(m.span).toEqual({ start: 0, end: b.length });
    expect(m.toDocumentOffset(3)).toBe(3);
    expect(m.toDocumentOffset(b.length + 5)).toBe(b.length);
  });

  it('MappedText maps copied runs by delta and synthesized bytes to their source', () => {
    const doc = enc.encode('abc\ndef\n');
    const mb = new MappedTextBuilder();
    mb.copy(doc, 0, 3);
    mb.byte(13, 3);
    mb.copy(doc, 3, 4);
    mb.copy(doc, 4, 7);
    const t = mb.build();
    expect(dec.decode(t.bytes)).toBe('abc\r\ndef');
    expect([0, 2, 3, 4, 5, 7].map((o) => t.map(o))).toEqual([0, 2, 3, 3, 4, 6]);
    expect(t.map(t.bytes.length)).toBe(7);
  });
});

describe('samples/sip (realistic traces in this repository)', () => {
  const dir = join(__dirname, '../../../samples/sip');
  const expected: Record<string, number> = {
    'asterisk-chan-sip.log': 2,
    'asterisk-pjsip.log': 4,
    'freeswitch-siptrace.log': 2,
    'invite-defects.sip': 1,
    'lf-only-paste.sip': 2,
    'kamailio-syslog.log': 2,
    'nat-call.sngrep.txt': 6,
    'options-ping.tcpdump.txt': 2,
    'register-clean.sip': 2,
    'register-no-rport.ngrep.txt': 2,
  };
  for (const [file, n] of Object.entries(expected)) {
    it(`${file}: ${n} messages, each faithful to the document`, () => {
      const doc = new Uint8Array(readFileSync(join(dir, file)));
      const msgs = splitTrace(doc);
      expect(msgs.length).toBe(n);
      for (const m of msgs) expectFaithful(doc, m);
    });
  }
  it('every sample file is listed above', () => {
    const files = readdirSync(dir).filter((f) => f !== 'README.md' && f !== 'nat-call.sip');
    expect(files.filter((f) => expected[f] === undefined)).toEqual([]);
  });
});
