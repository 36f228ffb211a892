// Test helper: hand-written MessageInfo factory and a canonical 7-message INVITE/BYE call for ladder tests.
import type { CallInfo, MessageInfo } from '../../../src/core/dialog/types';

/** 2023-11-14 22:13:20 UTC */
export const T0 = 1_700_000_000;

let nextId = 0;

/** A MessageInfo with sensible defaults; `label` is derived from method/status when not given. */
export function msg(p: Partial<MessageInfo> & { at?: number }): MessageInfo {
  const at = p.at ?? 0; // seconds after T0, fractional
  const whole = Math.floor(at);
  const id = p.id ?? nextId++;
  const kind = p.kind ?? (p.statusCode !== undefined ? 'response' : 'request');
  const method = kind === 'request' ? (p.method ?? 'INVITE') : undefined;
  const label =
    p.label ?? (kind === 'request' ? method! : `${p.statusCode ?? 200} ${p.reason ?? 'OK'}`);
  const m: MessageInfo = {
    id,
    frame: p.frame ?? id + 1,
    firstFrame: p.firstFrame ?? p.frame ?? id + 1,
    timeSec: p.timeSec ?? T0 + whole,
    timeNsec: p.timeNsec ?? Math.round((at - whole) * 1e9),
    ipVersion: p.ipVersion ?? 4,
    src: p.src ?? '10.0.0.1',
    srcPort: p.srcPort ?? 5060,
    dst: p.dst ?? '10.0.0.2',
    dstPort: p.dstPort ?? 5060,
    transport: p.transport ?? 'UDP',
    kind,
    method,
    statusCode: kind === 'response' ? (p.statusCode ?? 200) : undefined,
    reason: kind === 'response' ? (p.reason ?? 'OK') : undefined,
    // explicit `undefined` in p means "no CSeq" (so tests can model unparsable messages)
    cseqSeq: 'cseqSeq' in p ? p.cseqSeq : 1,
    cseqMethod: 'cseqMethod' in p ? p.cseqMethod : (method ?? 'INVITE'),
    label,
    hasSdp: p.hasSdp ?? false,
    retransmission: p.retransmission ?? false,
    truncated: p.truncated ?? false,
    problemCount: p.problemCount ?? 0,
    callIndex: p.callIndex ?? 0,
    transactionIndex: p.transactionIndex ?? -1,
    dialogIndex: p.dialogIndex ?? -1,
  };
  return m;
}

const A = { ip: '192.168.1.10', port: 5060 };
const B = { ip: '203.0.113.5', port: 5080 };
const ab = { src: A.ip, srcPort: A.port, dst: B.ip, dstPort: B.port };
const ba = { src: B.ip, srcPort: B.port, dst: A.ip, dstPort: A.port };

/** INVITE(SDP) / 100 / 180 / 200(SDP) / ACK / BYE / 200, ids 0..6, frames 1..7. */
export function sevenMessageCall(): MessageInfo[] {
  return [
    msg({ id: 0, at: 0, ...ab, method: 'INVITE', hasSdp: true, cseqSeq: 1 }),
    msg({ id: 1, at: 0.012345, ...ba, statusCode: 100, reason: 'Trying', cseqMethod: 'INVITE' }),
    msg({ id: 2, at: 0.250001, ...ba, statusCode: 180, reason: 'Ringing', cseqMethod: 'INVITE' }),
    msg({ id: 3, at: 3.5, ...ba, statusCode: 200, reason: 'OK', hasSdp: true, cseqMethod: 'INVITE' }),
    msg({ id: 4, at: 3.51, ...ab, method: 'ACK', cseqSeq: 1 }),
    msg({ id: 5, at: 63.51, ...ab, method: 'BYE', cseqSeq: 2 }),
    msg({ id: 6, at: 63.6, ...ba, statusCode: 200, reason: 'OK', cseqSeq: 2, cseqMethod: 'BYE' }),
  ];
}

export function sevenMessageCallInfo(): CallInfo {
  return {
    index: 0,
    callId: 'a84b4c76e66710@pc33.atlanta.example.com',
    method: 'INVITE',
    state: 'completed',
    fromUri: 'sip:alice@atlanta.example.com',
    toUri: 'sip:bob@biloxi.example.com',
    fromDisplay: 'Alice',
    toDisplay: undefined,
    startSec: T0,
    startNsec: 0,
    endSec: T0 + 63,
    endNsec: 600_000_000,
    durationSec: 60.1,
    ringDelaySec: 0.250001,
    answerDelaySec: 3.5,
    finalStatus: 200,
    messageIds: [0, 1, 2, 3, 4, 5, 6],
    dialogIndexes: [0],
    transactionIndexes: [0, 1, 2],
    retransmissions: 0,
  };
}

/** Hostile text used in escaping tests. */
export const EVIL = `<script>alert(1)</script>"'&\u0000\u0007`;

/**
 * Minimal XML well-formedness check for generated SVG: balanced, properly nested tags; quoted attributes without
 * raw `<`; no unknown entities; no text `<`. Returns the list of problems (empty = well formed) and tag counts.
 */
export function checkXml(xml: string): { problems: string[]; counts: Map<string, number> } {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  const stack: string[] = [];
  let i = 0;
  const src = xml.replace(/^<\?xml[^?]*\?>/, '');
  const entityOk = (text: string, where: string): void => {
    for (const m of text.matchAll(/&([^;\s]*);?/g)) {
      if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1]!) || !m[0].endsWith(';')) {
        problems.push(`bad entity ${JSON.stringify(m[0])} in ${where}`);
      }
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text)) problems.push(`control character in ${where}`);
  };
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = lt < 0 ? src.slice(i) : src.slice(i, lt);
    if (text.includes('>')) problems.push(`raw '>' in text near ${JSON.stringify(text.slice(0, 40))}`);
    entityOk(text, 'text');
    if (lt < 0) break;
    const gt = findTagEnd(src, lt);
    if (gt < 0) {
      problems.push(`unterminated tag at ${lt}`);
      break;
    }
    const tag = src.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('!--')) continue;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*$/.exec(body);
    if (!m) {
      problems.push(`malformed tag <${tag.slice(0, 80)}>`);
      continue;
    }
    const name = m[1]!;
    entityOk(m[2] ?? '', `attributes of <${name}>`);
    const attrNames = [...(m[2] ?? '').matchAll(/\s([\w:.-]+)="[^"]*"/g)].map((a) => a[1]!);
    if (new Set(attrNames).size !== attrNames.length) problems.push(`duplicate attribute in <${name}>`);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return { problems, counts };
}

function findTagEnd(src: string, lt: number): number {
  if (src.startsWith('<!--', lt)) {
    const end = src.indexOf('-->', lt);
    return end < 0 ? -1 : end + 2;
  }
  let quote = '';
  for (let j = lt + 1; j < src.length; j++) {
    const c = src[j]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return -1;
}
