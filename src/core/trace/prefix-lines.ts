// Recognisers for the log lines that introduce or separate SIP messages in pasted traces: sngrep/ngrep, tcpdump -A,
// Asterisk chan_sip / res_pjsip_logger, FreeSWITCH sofia siptrace, syslog (Kamailio/OpenSIPS) and Kamailio stderr.
import type { TracePrefix, TracePrefixFormat } from './types';
import { decodeUtf8 } from '../text/decode';

/** How the lines after a header line carry the message. */
export type BlockLayout =
  /** Message lines as written (sngrep, ngrep without byline dots, Asterisk). */
  | 'verbatim'
  /** ngrep -W byline: maybe a '.' (the CR) ends each line; decided per block. */
  | 'ngrep'
  /** tcpdump -A: IP/UDP header bytes as ASCII garbage before the start line; CRs before LF dropped. */
  | 'tcpdump'
  /** FreeSWITCH siptrace: 3-space indent, dashed separator lines, CRs dropped. */
  | 'freeswitch';

export type LineClass =
  | { kind: 'raw' }
  /** Ends any block: ngrep `#`, Asterisk `<------------->`, FreeSWITCH dashes, a log line that is not a header. */
  | { kind: 'separator'; fsDashes?: boolean }
  | { kind: 'header'; prefix: Omit<TracePrefix, 'span'>; layout: BlockLayout; inlineStart?: number }
  | { kind: 'syslog'; contentStart: number; prefix: Omit<TracePrefix, 'span'>; tag: string };

const RAW: LineClass = { kind: 'raw' };
const SEPARATOR: LineClass = { kind: 'separator' };
const FS_DASHES: LineClass = { kind: 'separator', fsDashes: true };

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

const RE_NGREP = /^([UTI]) (?:(\d{4}\/\d\d\/\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) )?(\S+) -> (\S+)(?:\s+\[[^\]]*\])?(?:\s+#\d+)?\s*$/;
const RE_SNGREP = /^(\d{4}\/\d\d\/\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) (\S+) -> (\S+)\s*$/;
const RE_TCPDUMP =
  /^(?:(\d{4}-\d\d-\d\d) )?(\d\d:\d\d:\d\d(?:\.\d+)?|\d{9,10}\.\d+) (?:\S+ +(?:In|Out|B|M|P) +)?(IP6?) (\S+) > (\S+?):(?: (.*))?$/;
const RE_TCPDUMP_T = /^(IP6?) (\S+) > (\S+?):(?: (.*))?$/;
const RE_AST_CHANSIP = /<--- (SIP read from|(?:Reliably )?Transmitting(?: \((?:NAT|no NAT)\))? to) (?:([A-Za-z]+):)?(\[[^\]]+\]|[^\s[\]]+?):(\d+) --->/;
const RE_AST_PJSIP = /<--- (Received|Transmitting) SIP (request|response) \((\d+) bytes\) (?:from|to) ([A-Za-z]+):(\[[^\]]+\]|[^\s[\]]+?):(\d+) --->/;
const RE_AST_END = /^\s*<-{3,}>\s*$/;
const RE_AST_LOGLINE = /^\[(?:[A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\]/;
const RE_FS = /(recv|send) (\d+) bytes (?:from|to) ([a-z]+)\/\[([^\]]+)\]:(\d+)\S* at (\d\d:\d\d:\d\d(?:\.\d+)?):/;
const RE_SYSLOG_BSD = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d(?:\.\d+)?) (\S+) ([^\s[\]:]+)(?:\[(\d+)\])?: ?/;
const RE_SYSLOG_ISO = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s[\]:]+)(?:\[(\d+)\])?: ?/;
const RE_KAM_STDERR = /^\s*\d+\(\d+\) [A-Z]+:/;
/** A log record's own start (level / module markers) inside syslog content; ends a SIP message dump. */
export const RE_LOG_RECORD = /^\s*(?:\d+\(\d+\) )?(?:DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|ERR|CRITICAL|CRIT|ALERT|EMERG|BUG|DBG|VERBOSE)(?:\[\d+\])?\s*:/;

/** Decode at most the first 400 bytes of a line for the regexes (prefix lines are short). */
function lineText(b: Uint8Array, s: number, e: number): string {
  return decodeUtf8(b, s, Math.min(e, s + 400));
}

/** `host:port`, `[v6]:port` or tcpdump's `host.port` into parts. */
export function splitHostPort(text: string, dotPort = false): { host: string; port: number | undefined } {
  const t = text.trim();
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close > 0) {
      const port = t.slice(close + 1).startsWith(':') ? Number(t.slice(close + 2)) : NaN;
      return { host: t.slice(1, close), port: Number.isInteger(port) ? port : undefined };
    }
  }
  const sep = t.lastIndexOf(dotPort ? '.' : ':');
  if (sep > 0) {
    const port = Number(t.slice(sep + 1));
    if (/^\d{1,5}$/.test(t.slice(sep + 1)) && port <= 65535) return { host: t.slice(0, sep), port };
  }
  return { host: t, port: undefined };
}

function epochOf(date: string, time: string): number | undefined {
  const d = /^(\d{4})[/-](\d\d)[/-](\d\d)$/.exec(date);
  const t = /^(\d\d):(\d\d):(\d\d)(\.\d+)?$/.exec(time);
  if (!d || !t) return undefined;
  const ms = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]), Number(t[3]));
  if (!Number.isFinite(ms)) return undefined;
  return ms / 1000 + (t[4] ? Number(t[4]) : 0);
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function formatOfProcess(proc: string): TracePrefixFormat {
  const p = proc.toLowerCase();
  if (p.includes('opensips')) return 'opensips';
  if (p.includes('kamailio') || p === 'ser') return 'kamailio';
  if (p.includes('asterisk')) return 'asterisk';
  if (p.includes('freeswitch')) return 'freeswitch';
  return 'syslog';
}

/**
 * Classify the line `b[s, e)` (without its line end). Cheap byte tests first; a regex only runs when the first bytes
 * can start a prefix line, so ordinary SIP header lines cost a few comparisons.
 */
export function classifyLine(b: Uint8Array, s: number, e: number): LineClass {
  if (s >= e) return RAW;
  const c0 = b[s] as number;
  const c1 = b[s + 1];
  switch (c0) {
    case 0x23: {
      // '#'
      for (let i = s; i < e; i++) {
        const c = b[i];
        if (c !== 0x23 && c !== 32 && c !== 9 && c !== 13) return RAW;
      }
      return SEPARATOR;
    }
    case 0x3c: // '<'
    case 0x5b: // '['
      return classifyAsterisk(b, s, e);
    case 0x20:
    case 0x09:
    case 0x2d: {
      // FreeSWITCH dashes "   ------...", Kamailio stderr " 0(123) DEBUG: ...", or a folded/indented line.
      let i = s;
      while (i < e && (b[i] === 32 || b[i] === 9)) i++;
      if (b[i] === 0x2d && e - i >= 20) {
        let j = i;
        while (j < e && b[j] === 0x2d) j++;
        let k = j;
        while (k < e && (b[k] === 32 || b[k] === 9 || b[k] === 13)) k++;
        if (j - i >= 20 && k === e) return FS_DASHES;
      }
      if (b[i] === 0x3c) return classifyAsterisk(b, s, e);
      if (isDigit(b[i])) return classifyKamailioStderr(b, s, e);
      return RAW;
    }
    case 0x55: // 'U'
    case 0x54: // 'T'
      if (c1 === 32) return classifyNgrep(b, s, e);
      return RAW;
    case 0x49: // 'I': ngrep ICMP or tcpdump -t "IP ..."
      if (c1 === 32) return classifyNgrep(b, s, e);
      if (c1 === 0x50 && (b[s + 2] === 32 || (b[s + 2] === 0x36 && b[s + 3] === 32))) return classifyTcpdump(b, s, e);
      return RAW;
    case 0x72: // 'r'
    case 0x73: // 's'
      if (e - s > 20 && (b[s + 4] === 32 || b[s + 4] === 9)) return classifyFreeswitch(b, s, e);
      return RAW;
    default:
      break;
  }
  if (isDigit(c0)) {
    const t = lineText(b, s, e);
    let m = RE_SNGREP.exec(t);
    if (m) {
      const src = splitHostPort(m[3] as string);
      const dst = splitHostPort(m[4] as string);
      return {
        kind: 'header',
        layout: 'verbatim',
        prefix: { format: 'sngrep', time: `${m[1]} ${m[2]}`, epochSec: epochOf(m[1] as string, m[2] as string), src: src.host, srcPort: src.port, dst: dst.host, dstPort: dst.port },
      };
    }
    const tc = classifyTcpdump(b, s, e, t);
    if (tc.kind !== 'raw') return tc;
    m = RE_SYSLOG_ISO.exec(t);
    if (m) return syslogClass(s, m[0].length, m[1] as string, m[3] as string, m[4], t);
    if (RE_KAM_STDERR.test(t)) return classifyKamailioStderr(b, s, e, t);
    return RAW;
  }
  if (c0 >= 0x41 && c0 <= 0x5a && b[s + 3] === 32 && e - s > 16) {
    const mon = String.fromCharCode(c0, b[s + 1] as number, b[s + 2] as number);
    if (MONTHS.indexOf(mon) >= 0 && MONTHS.indexOf(mon) % 3 === 0) {
      const t = lineText(b, s, e);
      const m = RE_SYSLOG_BSD.exec(t);
      if (m) return syslogClass(s, m[0].length, `${m[1]} ${m[2]} ${m[3]}`, m[5] as string, m[6], t);
    }
  }
  return RAW;
}

function syslogClass(s: number, prefixLen: number, time: string, proc: string, pid: string | undefined, text: string): LineClass {
  // prefixLen counts UTF-16 units of an ASCII prefix, equal to its bytes.
  let ascii = true;
  for (let i = 0; i < prefixLen; i++) if (text.charCodeAt(i) > 0x7f) ascii = false;
  if (!ascii) return RAW;
  return {
    kind: 'syslog',
    contentStart: s + prefixLen,
    tag: `${proc}[${pid ?? ''}]`,
    prefix: { format: formatOfProcess(proc), time },
  };
}

function classifyNgrep(b: Uint8Array, s: number, e: number): LineClass {
  const m = RE_NGREP.exec(lineText(b, s, e));
  if (!m) return RAW;
  const src = splitHostPort(m[4] as string);
  const dst = splitHostPort(m[5] as string);
  const proto = m[1] === 'T' ? 'TCP' : m[1] === 'U' ? 'UDP' : undefined;
  return {
    kind: 'header',
    layout: 'ngrep',
    prefix: {
      format: 'ngrep',
      time: m[2] ? `${m[2]} ${m[3]}` : undefined,
      epochSec: m[2] ? epochOf(m[2], m[3] as string) : undefined,
      src: src.host,
      srcPort: src.port,
      dst: dst.host,
      dstPort: dst.port,
      transport: proto,
    },
  };
}

function classifyTcpdump(b: Uint8Array, s: number, e: number, text?: string): LineClass {
  const t = text ?? lineText(b, s, e);
  let date: string | undefined;
  let time: string | undefined;
  let srcText: string;
  let dstText: string;
  let rest: string | undefined;
  const m = RE_TCPDUMP.exec(t);
  if (m) {
    date = m[1];
    time = m[2];
    srcText = m[4] as string;
    dstText = m[5] as string;
    rest = m[6];
  } else {
    const n = RE_TCPDUMP_T.exec(t);
    if (!n) return RAW;
    srcText = n[2] as string;
    dstText = n[3] as string;
    rest = n[4];
  }
  const src = splitHostPort(srcText, true);
  const dst = splitHostPort(dstText, true);
  let epochSec: number | undefined;
  if (time !== undefined && /^\d{9,10}\.\d+$/.test(time)) epochSec = Number(time);
  else if (date !== undefined && time !== undefined) epochSec = epochOf(date, time);
  const transport = rest === undefined ? undefined : /Flags \[/.test(rest) ? 'TCP' : /\bUDP\b|\bSIP\b/.test(rest) ? 'UDP' : undefined;
  return {
    kind: 'header',
    layout: 'tcpdump',
    prefix: { format: 'tcpdump', time: date ? `${date} ${time}` : time, epochSec, src: src.host, srcPort: src.port, dst: dst.host, dstPort: dst.port, transport },
  };
}

function classifyAsterisk(b: Uint8Array, s: number, e: number): LineClass {
  const t = lineText(b, s, e);
  let m = RE_AST_PJSIP.exec(t);
  if (m) {
    const inbound = m[1] === 'Received';
    const peer = { host: (m[5] as string).replace(/^\[|\]$/g, ''), port: Number(m[6]) };
    return {
      kind: 'header',
      layout: 'verbatim',
      prefix: {
        format: 'asterisk',
        transport: (m[4] as string).toUpperCase(),
        direction: inbound ? 'in' : 'out',
        ...(inbound ? { src: peer.host, srcPort: peer.port } : { dst: peer.host, dstPort: peer.port }),
      },
    };
  }
  m = RE_AST_CHANSIP.exec(t);
  if (m) {
    const inbound = (m[1] as string).startsWith('SIP read');
    const peer = { host: (m[3] as string).replace(/^\[|\]$/g, ''), port: Number(m[4]) };
    return {
      kind: 'header',
      layout: 'verbatim',
      prefix: {
        format: 'asterisk',
        transport: m[2] ? m[2].toUpperCase() : undefined,
        direction: inbound ? 'in' : 'out',
        ...(inbound ? { src: peer.host, srcPort: peer.port } : { dst: peer.host, dstPort: peer.port }),
      },
    };
  }
  if (RE_AST_END.test(t)) return SEPARATOR;
  if (RE_AST_LOGLINE.test(t)) return SEPARATOR;
  return RAW;
}

function classifyFreeswitch(b: Uint8Array, s: number, e: number): LineClass {
  const m = RE_FS.exec(lineText(b, s, e));
  if (!m) return RAW;
  const inbound = m[1] === 'recv';
  const peer = { host: m[4] as string, port: Number(m[5]) };
  return {
    kind: 'header',
    layout: 'freeswitch',
    prefix: {
      format: 'freeswitch',
      time: m[6],
      transport: (m[3] as string).toUpperCase(),
      direction: inbound ? 'in' : 'out',
      ...(inbound ? { src: peer.host, srcPort: peer.port } : { dst: peer.host, dstPort: peer.port }),
    },
  };
}

/** Kamailio/OpenSIPS logging to stderr (` 0(123) INFO: <script>: ...`): a message may start inside the line. */
function classifyKamailioStderr(b: Uint8Array, s: number, e: number, text?: string): LineClass {
  const t = text ?? lineText(b, s, e);
  if (!RE_KAM_STDERR.test(t)) return RAW;
  return { kind: 'header', layout: 'verbatim', prefix: { format: 'kamailio' }, inlineStart: -1 };
}

/** Transport/address facts a log line states before a dumped message (`... from udp:10.0.0.1:5060 ...`). */
export function addressHints(text: string): Partial<TracePrefix> {
  const m = /\b(udp|tcp|tls|ws|wss|sctp):(\[[0-9a-fA-F:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\b/i.exec(text);
  if (!m) return {};
  const host = (m[2] as string).replace(/^\[|\]$/g, '');
  const out: Partial<TracePrefix> = { transport: (m[1] as string).toUpperCase() };
  const before = text.slice(0, m.index).toLowerCase();
  if (/\b(to|sending|send|sent|relay|forward)\b[^a-z]*$/.test(before) || /\bsend/.test(before)) {
    out.dst = host;
    out.dstPort = Number(m[3]);
    out.direction = 'out';
  } else {
    out.src = host;
    out.srcPort = Number(m[3]);
    if (/receiv|recv|from/.test(before)) out.direction = 'in';
  }
  return out;
}
