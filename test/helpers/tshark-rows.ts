// tshark's and SIPScope's views of a capture as comparable rows, one per SIP message (frame, addresses, ports,
// method/status, Call-ID, CSeq, tags, top-Via branch/received/rport), for the differential tests against tshark.
import { spawnSync } from 'node:child_process';
import type { ExportedMessage } from '../../src/core/index';

/** Path of the tshark binary, or '' when it is not installed (tests skip then). */
export const tshark = spawnSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' }).stdout.trim();

export interface Row {
  frame: number;
  src: string;
  /** null for a SIP message quoted in an ICMP error (tshark has no transport layer for it at the top level). */
  src_port: number | null;
  dst: string;
  dst_port: number | null;
  method: string | null;
  status_code: number | null;
  call_id: string | null;
  cseq_seq: number | null;
  cseq_method: string | null;
  from_tag: string | null;
  to_tag: string | null;
  via_branch: string | null;
  via_received: string | null;
  via_rport_present: boolean;
}

/** First value stored under `key` anywhere below `obj` (tshark JSON nests fields in *_tree objects). */
function find(obj: unknown, key: string): string | undefined {
  if (Array.isArray(obj)) {
    for (const v of obj) {
      const r = find(v, key);
      if (r !== undefined) return r;
    }
  } else if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'sip.msg_body') continue;
      if (k === key) return Array.isArray(v) ? String(v[0]) : String(v);
      const r = find(v, key);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/**
 * branch/received/rport of the FIRST via-parm of tshark's raw first `sip.Via` value. tshark's own sip.Via.* fields
 * cannot be used: searched "first anywhere", a parameter missing from the top via-parm is taken from a later one
 * (same artefact as in the corpus oracles, see oracle.test.ts).
 */
function topViaParm(raw: string | undefined): Pick<Row, 'via_branch' | 'via_received' | 'via_rport_present'> {
  const first = (raw ?? '').split(/,(?=\s*SIP\s*\/)/i)[0]!;
  const param = (n: string) => new RegExp(`;\\s*${n}\\s*(?:=\\s*([^;,\\s]+))?`, 'i').exec(first);
  const b = param('branch');
  const r = param('received');
  return { via_branch: b?.[1] ?? null, via_received: r?.[1] ?? null, via_rport_present: param('rport') !== null };
}

/** tshark's view: one row per SIP message, from `-T json --no-duplicate-keys` (one `sip` object per message). */
export function tsharkRows(file: string, extra: string[] = []): Row[] {
  const out = spawnSync(tshark, ['-n', '-r', file, '-Y', 'sip', '-o', 'sip.desegment_headers:TRUE', '-o', 'sip.desegment_body:TRUE', '-o', 'tcp.desegment_tcp_streams:TRUE', ...extra, '-T', 'json', '--no-duplicate-keys'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const rows: Row[] = [];
  for (const pkt of JSON.parse(out.stdout || '[]') as { _source: { layers: Record<string, unknown> } }[]) {
    const L = pkt._source.layers;
    const last = (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v);
    // The innermost IP layer: the last "ip" or "ipv6" in frame.protocols (tunnels nest one family in the other).
    const protocols = (find(L['frame'], 'frame.protocols') ?? '').split(':');
    const inner6 = protocols.lastIndexOf('ipv6') > protocols.lastIndexOf('ip');
    const ip = last(inner6 ? L['ipv6'] : L['ip']);
    // SCTP: tshark repeats the sctp layer for a packet with several DATA chunks; the ports are in the first.
    const sctp = L['sctp'] === undefined ? undefined : Array.isArray(L['sctp']) ? L['sctp'][0] : L['sctp'];
    const l4 = last(L['tcp']) ?? sctp ?? last(L['udp']);
    const sips = Array.isArray(L['sip']) ? (L['sip'] as unknown[]) : [L['sip']];
    for (const sip of sips) {
      if (find(sip, 'sip.continuation') !== undefined) continue; // payload without a start line: no SIP message
      const num = (k: string) => {
        const v = find(sip, k);
        return v === undefined ? null : Number(v);
      };
      rows.push({
        frame: Number(find(L['frame'], 'frame.number')),
        src: find(ip, 'ip.src') ?? find(ip, 'ipv6.src') ?? '',
        dst: find(ip, 'ip.dst') ?? find(ip, 'ipv6.dst') ?? '',
        src_port: l4 === undefined ? null : Number(find(l4, 'tcp.srcport') ?? find(l4, 'sctp.srcport') ?? find(l4, 'udp.srcport')),
        dst_port: l4 === undefined ? null : Number(find(l4, 'tcp.dstport') ?? find(l4, 'sctp.dstport') ?? find(l4, 'udp.dstport')),
        method: find(sip, 'sip.Method') ?? null,
        status_code: num('sip.Status-Code'),
        call_id: find(sip, 'sip.Call-ID') ?? null,
        cseq_seq: num('sip.CSeq.seq'),
        cseq_method: find(sip, 'sip.CSeq.method') ?? null,
        from_tag: find(sip, 'sip.from.tag') ?? null,
        to_tag: find(sip, 'sip.to.tag') ?? null,
        ...topViaParm(find(sip, 'sip.Via')),
      });
    }
  }
  return rows;
}

export function ourRows(msgs: ExportedMessage[]): Row[] {
  return msgs.map((m) => ({
    frame: m.frame,
    src: m.src,
    src_port: m.src_port,
    dst: m.dst,
    dst_port: m.dst_port,
    method: m.method,
    status_code: m.status_code,
    call_id: m.call_id,
    cseq_seq: m.cseq_seq,
    cseq_method: m.cseq_method,
    from_tag: m.from_tag,
    to_tag: m.to_tag,
    via_branch: m.via_top?.branch ?? null,
    via_received: m.via_top?.received ?? null,
    via_rport_present: m.via_top?.rport_present ?? false,
  }));
}
