// Test helper: text of realistic SIP calls (INVITE/SDP ... BYE) and of long dialogs, as FrameSpecs for
// pcap-writer.ts, so capture editor tests and benchmarks can build captures with known content.
import { crlf, type FrameSpec } from './pcap-writer';

export interface CallSpec {
  callId: string;
  from?: string;
  to?: string;
  fromDisplay?: string;
  /** Caller and callee addresses. */
  a?: string;
  b?: string;
  aPort?: number;
  bPort?: number;
  /** Start time, epoch seconds. */
  time?: number;
  protocol?: 'udp' | 'tcp';
  /** Final response to the INVITE (default 200: the call is answered and hung up with BYE). */
  final?: number;
  /** Extra header lines (raw, e.g. `X-Note: <script>alert(1)</script>`) added to the INVITE. */
  extraHeaders?: string[];
}

const SDP = (ip: string, port: number): string =>
  crlf(`v=0
o=- 20518 0 IN IP4 ${ip}
s=-
c=IN IP4 ${ip}
t=0 0
m=audio ${port} RTP/AVP 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=sendrecv
`);

const REASONS: Record<number, string> = { 200: 'OK', 180: 'Ringing', 100: 'Trying', 486: 'Busy Here', 404: 'Not Found', 487: 'Request Terminated' };

/** SIP message texts of one call, in order, with who sends each (`ab` = caller -> callee). */
export function callMessages(c: CallSpec): { dir: 'ab' | 'ba'; text: string }[] {
  const a = c.a ?? '192.0.2.10';
  const b = c.b ?? '198.51.100.20';
  const ap = c.aPort ?? 5060;
  const bp = c.bPort ?? 5060;
  const from = c.from ?? 'sip:alice@example.com';
  const to = c.to ?? 'sip:bob@example.net';
  const transport = (c.protocol ?? 'udp').toUpperCase();
  const fromHdr = `${c.fromDisplay ? `"${c.fromDisplay}" ` : ''}<${from}>;tag=f${c.callId.length}`;
  const toTag = `t${c.callId.length}`;
  // Branches are unique per call (RFC 3261 §8.1.1.7), or transactions of different calls would match.
  const callTag = [...c.callId].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7).toString(36);
  const via = (branch: string): string => `Via: SIP/2.0/${transport} ${a}:${ap};branch=z9hG4bK${callTag}-${branch};rport`;
  const req = (method: string, seq: number, branch: string, withToTag: boolean, body = '', extra: string[] = []): string => {
    const headers = [
      `${method} ${to} SIP/2.0`,
      via(branch),
      'Max-Forwards: 70',
      `From: ${fromHdr}`,
      `To: <${to}>${withToTag ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${c.callId}`,
      `CSeq: ${seq} ${method}`,
      `Contact: <sip:alice@${a}:${ap}>`,
      ...extra,
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
    ];
    return `${headers.join('\r\n')}\r\n\r\n${body}`;
  };
  const res = (code: number, seq: number, method: string, branch: string, body = ''): string => {
    const headers = [
      `SIP/2.0 ${code} ${REASONS[code] ?? 'Whatever'}`,
      via(branch),
      `From: ${fromHdr}`,
      `To: <${to}>${code > 100 ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${c.callId}`,
      `CSeq: ${seq} ${method}`,
      ...(code >= 180 && code < 300 ? [`Contact: <sip:bob@${b}:${bp}>`] : []),
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${new TextEncoder().encode(body).length}`,
    ];
    return `${headers.join('\r\n')}\r\n\r\n${body}`;
  };
  const final = c.final ?? 200;
  const out: { dir: 'ab' | 'ba'; text: string }[] = [
    { dir: 'ab', text: req('INVITE', 1, '1', false, SDP(a, 4000), c.extraHeaders) },
    { dir: 'ba', text: res(100, 1, 'INVITE', '1') },
    { dir: 'ba', text: res(180, 1, 'INVITE', '1') },
  ];
  if (final === 200) {
    out.push(
      { dir: 'ba', text: res(200, 1, 'INVITE', '1', SDP(b, 5000)) },
      { dir: 'ab', text: req('ACK', 1, '2', true) },
      { dir: 'ab', text: req('BYE', 2, '3', true) },
      { dir: 'ba', text: res(200, 2, 'BYE', '3') },
    );
  } else {
    out.push({ dir: 'ba', text: res(final, 1, 'INVITE', '1') }, { dir: 'ab', text: req('ACK', 1, '1', false) });
  }
  return out;
}

/** FrameSpecs of a call: one UDP datagram per message, or TCP segments with running sequence numbers. */
export function callFrames(c: CallSpec, step = 0.05): FrameSpec[] {
  const a = c.a ?? '192.0.2.10';
  const b = c.b ?? '198.51.100.20';
  const ap = c.aPort ?? 5060;
  const bp = c.bPort ?? 5060;
  const t0 = c.time ?? 1_700_000_000;
  const protocol = c.protocol ?? 'udp';
  const seq = { ab: 1000, ba: 5000 };
  return callMessages(c).map((m, i) => {
    const fwd = m.dir === 'ab';
    const spec: FrameSpec = {
      time: t0 + i * step,
      src: fwd ? a : b,
      dst: fwd ? b : a,
      srcPort: fwd ? ap : bp,
      dstPort: fwd ? bp : ap,
      protocol,
      payload: m.text,
    };
    if (protocol === 'tcp') {
      spec.seq = seq[m.dir];
      spec.ack = seq[fwd ? 'ba' : 'ab'];
      seq[m.dir] += new TextEncoder().encode(m.text).length;
    }
    return spec;
  });
}

/** One long dialog: INVITE/200/ACK then `pairs` INFO/200 exchanges (2 + 2×pairs + 1 messages). */
export function longDialogFrames(callId: string, pairs: number, t0 = 1_700_000_000): FrameSpec[] {
  const a = '192.0.2.10';
  const b = '198.51.100.20';
  const base = callMessages({ callId, a, b }).slice(0, 5); // INVITE 100 180 200 ACK
  const frames: FrameSpec[] = base.map((m, i) => ({
    time: t0 + i * 0.01,
    src: m.dir === 'ab' ? a : b,
    dst: m.dir === 'ab' ? b : a,
    payload: m.text,
  }));
  for (let i = 0; i < pairs; i++) {
    const seq = i + 2;
    const common = `From: <sip:alice@example.com>;tag=f\r\nTo: <sip:bob@example.net>;tag=t\r\nCall-ID: ${callId}\r\nCSeq: ${seq} INFO\r\n`;
    const info = `INFO sip:bob@example.net SIP/2.0\r\nVia: SIP/2.0/UDP ${a}:5060;branch=z9hG4bKinfo${i}\r\n${common}Content-Length: 0\r\n\r\n`;
    const ok = `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP ${a}:5060;branch=z9hG4bKinfo${i}\r\n${common}Content-Length: 0\r\n\r\n`;
    frames.push({ time: t0 + 1 + i * 0.02, src: a, dst: b, payload: info }, { time: t0 + 1.01 + i * 0.02, src: b, dst: a, payload: ok });
  }
  return frames;
}
