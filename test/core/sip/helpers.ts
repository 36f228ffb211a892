// Test helpers for the SIP/SDP parser tests: message building, span text, a deterministic PRNG, and a
// "run every sub-parser on the known structured headers" pass used to show what later lint rules can report.
import { parseSipMessage, parseFieldValue, spanText } from '../../../src/core/sip/parse-message';
import type { ParseProblem, SipMessage, Span } from '../../../src/core/sip/types';
import { parseUriRange } from '../../../src/core/sip/uri';
import { parseNameAddrListRange, parseNameAddrRange } from '../../../src/core/sip/name-addr';
import { parseViaListRange } from '../../../src/core/sip/via';
import { parseCSeqRange, parseContentLength, parseDeltaSeconds, parseMaxForwards } from '../../../src/core/sip/cseq';
import { findParam } from '../../../src/core/sip/params';
import { findSdpBodies, parseSdp } from '../../../src/core/sdp/parse-sdp';
import { readFileSync } from 'node:fs';
import { PacketDecoder, ProblemCollector, TransportAssembler, memoryByteSource, readCapture } from '../../../src/core/index';

export const enc = new TextEncoder();

/** Join lines with CRLF (default) and encode. */
export function msgBytes(lines: string[], eol = '\r\n'): Uint8Array {
  return enc.encode(lines.join(eol));
}

export function parse(text: string, baseOffset?: number) {
  return parseSipMessage(enc.encode(text), baseOffset === undefined ? undefined : { baseOffset });
}

/** Text of a span of a message. */
export function text(msg: SipMessage, s: Span | undefined): string {
  return s === undefined ? '<none>' : spanText(msg, s);
}

/** Mulberry32: small deterministic PRNG for fuzz tests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function codes(problems: readonly ParseProblem[]): string[] {
  return problems.map((p) => p.code);
}

/**
 * Parse a message and run every structured sub-parser over the headers it knows (what a lint pass can report):
 * Request-URI, From/To (single), Contact/Route/Record-Route (lists), all Vias, CSeq, Content-Length (+ body
 * length comparison), Max-Forwards, Expires/Retry-After/Min-Expires, Contact `expires` params, SDP bodies.
 */
export function deepCheck(bytes: Uint8Array): { msg: SipMessage; problems: ParseProblem[] } {
  const { message: msg, problems: parseProblems } = parseSipMessage(bytes);
  const problems: ParseProblem[] = [...parseProblems];
  const base = msg.baseOffset;
  if (msg.requestUriSpan !== undefined) {
    parseUriRange(msg.bytes, msg.requestUriSpan.start - base, msg.requestUriSpan.end - base, base, problems);
  }
  for (const h of msg.headers) {
    switch (h.canonical) {
      case 'from':
      case 'to':
        parseFieldValue(msg, h, parseNameAddrRange, problems);
        break;
      case 'contact':
      case 'route':
      case 'record-route': {
        const list = parseFieldValue(msg, h, parseNameAddrListRange, problems);
        for (const na of list) {
          const exp = findParam(na.params, 'expires');
          if (exp?.value !== undefined) {
            const r = parseDeltaSeconds(exp.value, exp.span.start + exp.name.length + 1);
            problems.push(...r.problems);
          }
        }
        break;
      }
      case 'via':
        parseFieldValue(msg, h, parseViaListRange, problems);
        break;
      case 'cseq':
        parseFieldValue(msg, h, parseCSeqRange, problems);
        break;
      case 'content-length': {
        const r = parseContentLength(msg.bytes, base, h.valueSpan.start - base, h.valueSpan.end - base);
        problems.push(...r.problems);
        if (r.value !== undefined) {
          const avail = msg.body.end - msg.body.start;
          if (r.value.value > avail) {
            problems.push({ code: 'test/content-length-exceeds-body', severity: 'error', message: `declared ${r.value.value} > ${avail}`, span: h.valueSpan });
          }
        }
        break;
      }
      case 'max-forwards':
        problems.push(...parseMaxForwards(msg.bytes, base, h.valueSpan.start - base, h.valueSpan.end - base).problems);
        break;
      case 'expires':
      case 'min-expires':
      case 'retry-after':
        problems.push(...parseDeltaSeconds(msg.bytes, base, h.valueSpan.start - base, h.valueSpan.end - base).problems);
        break;
      default:
        break;
    }
  }
  for (const body of findSdpBodies(msg)) problems.push(...parseSdp(body.bytes, body.start).problems);
  return { msg, problems };
}

/** Every SIP message of a capture file, framed as the importer frames them (copies, in completion order). */
export async function sipPayloads(file: string): Promise<Uint8Array[]> {
  const problems = new ProblemCollector();
  const dec = new PacketDecoder(problems);
  const asm = new TransportAssembler(problems);
  const out: Uint8Array[] = [];
  await readCapture(memoryByteSource(readFileSync(file)), (r) => dec.decode(r, (p) => asm.push(p, (m) => out.push(m.bytes.slice()))));
  asm.flush((m) => out.push(m.bytes.slice()));
  return out;
}
