// Tiny SIP/SDP tokenizer for the message detail pane: start line parts, header names and values (with `;params`),
// SDP `type=value` lines. Pure and line-based; the renderer turns tokens into spans via textContent (never HTML).

export type TokenKind =
  | 'method'
  | 'uri'
  | 'version'
  | 'status'
  | 'reason'
  | 'header-name'
  | 'header-value'
  | 'param'
  | 'punct'
  | 'sdp-type'
  | 'sdp-attr'
  | 'sdp-value'
  | 'text';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Response status class (1..6) on `status` tokens. */
  statusClass?: number;
}

/** Split text into lines without their line ends (CRLF, LF or CR); a trailing line end adds no empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const REQUEST_LINE = /^([!-~]+)( +)(\S+)( +)(SIP\/\S+)(.*)$/;
const STATUS_LINE = /^(SIP\/\S+)( +)(\d{3})(?:( +)(.*))?$/;

/** Tokens of a SIP start line (request or status line); anything else is plain text. */
export function tokenizeStartLine(line: string): Token[] {
  const s = STATUS_LINE.exec(line);
  if (s) {
    const code = Number(s[3]);
    const out: Token[] = [
      { kind: 'version', text: s[1]! },
      { kind: 'text', text: s[2]! },
      { kind: 'status', text: s[3]!, statusClass: Math.floor(code / 100) },
    ];
    if (s[4] !== undefined) out.push({ kind: 'text', text: s[4] }, { kind: 'reason', text: s[5] ?? '' });
    return out;
  }
  const r = REQUEST_LINE.exec(line);
  if (r) {
    const out: Token[] = [
      { kind: 'method', text: r[1]! },
      { kind: 'text', text: r[2]! },
      { kind: 'uri', text: r[3]! },
      { kind: 'text', text: r[4]! },
      { kind: 'version', text: r[5]! },
    ];
    if (r[6]) out.push({ kind: 'text', text: r[6] });
    return out;
  }
  return [{ kind: 'text', text: line }];
}

/** Tokens of a header value: `;name=value` parameters and `<uri>` brackets are told apart from the rest. */
export function tokenizeHeaderValue(value: string): Token[] {
  const out: Token[] = [];
  // Parameters start at `;` outside quotes and angle brackets.
  let i = 0;
  let start = 0;
  let quoted = false;
  let angle = 0;
  const flush = (end: number, kind: TokenKind): void => {
    if (end > start) out.push({ kind, text: value.slice(start, end) });
    start = end;
  };
  let inParam = false;
  for (; i < value.length; i++) {
    const c = value[i]!;
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (c === '<') angle++;
    else if (c === '>') angle = Math.max(0, angle - 1);
    else if ((c === ';' || c === ',') && angle === 0) {
      flush(i, inParam ? 'param' : 'header-value');
      out.push({ kind: 'punct', text: c });
      start = i + 1;
      inParam = c === ';';
    }
  }
  flush(value.length, inParam ? 'param' : 'header-value');
  return out;
}

/** Lines of tokens for a SIP head (start line + headers + the empty line). */
export function tokenizeSipHead(head: string): Token[][] {
  const lines = splitLines(head);
  return lines.map((line, i) => {
    if (i === 0) return tokenizeStartLine(line);
    if (line === '') return [];
    if (line.startsWith(' ') || line.startsWith('\t')) return tokenizeHeaderValue(line); // folded continuation
    const colon = line.indexOf(':');
    if (colon <= 0) return [{ kind: 'text', text: line }];
    const name = line.slice(0, colon);
    const rest = line.slice(colon + 1);
    const ws = /^[ \t]*/.exec(rest)![0];
    const out: Token[] = [{ kind: 'header-name', text: name }, { kind: 'punct', text: ':' }];
    if (ws) out.push({ kind: 'text', text: ws });
    // Not push(...tokens): a header of a few hundred kB (captures carry anything) has more tokens than a call takes.
    for (const t of tokenizeHeaderValue(rest.slice(ws.length))) out.push(t);
    return out;
  });
}

/** Lines of tokens for an SDP body: `x=` type, then for `a=` lines the attribute name, then the value. */
export function tokenizeSdp(body: string): Token[][] {
  return splitLines(body).map((line) => {
    const m = /^([a-zA-Z])=(.*)$/.exec(line);
    if (!m) return line === '' ? [] : [{ kind: 'text', text: line }];
    const out: Token[] = [
      { kind: 'sdp-type', text: m[1]! },
      { kind: 'punct', text: '=' },
    ];
    const value = m[2]!;
    if (m[1] === 'a') {
      const a = /^([^:\s]+)(:?)(.*)$/.exec(value);
      if (a) {
        out.push({ kind: 'sdp-attr', text: a[1]! });
        if (a[2]) out.push({ kind: 'punct', text: ':' });
        if (a[3]) out.push({ kind: 'sdp-value', text: a[3] });
        return out;
      }
    }
    if (value) out.push({ kind: 'sdp-value', text: value });
    return out;
  });
}

/** Plain lines (non-SDP text bodies). */
export function tokenizePlain(text: string): Token[][] {
  return splitLines(text).map((line) => (line === '' ? [] : [{ kind: 'text' as const, text: line }]));
}
