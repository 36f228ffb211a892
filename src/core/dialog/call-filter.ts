// Call filters: the filter language of the capture editor's call list and of the CLI's `--filter` (calls, ladder,
// extract), over CallInfo (dialog/types.ts). Pure.
import type { CallInfo } from './types';

type Field = 'from' | 'to' | 'callid' | 'method' | 'state' | 'status' | 'any';

const FIELD_ALIASES: Record<string, Field> = {
  from: 'from',
  to: 'to',
  uri: 'any',
  callid: 'callid',
  'call-id': 'callid',
  cid: 'callid',
  method: 'method',
  state: 'state',
  status: 'status',
  code: 'status',
};

interface Term {
  field: Field;
  text: string;
  negate: boolean;
}

/**
 * Parse filter text: whitespace-separated terms, all must match (case-insensitive substring). A term may be quoted
 * (`"Alice Smith"`), limited to a field (`from:`, `to:`, `callid:`, `method:`, `state:`, `status:`; `uri:`, `cid:`,
 * `call-id:` and `code:` are aliases) or negated with a leading `-`. `status:4` matches every 4xx final status; a
 * term without a field matches any of them. Returns a predicate over calls, or undefined for an empty filter (no
 * term); never throws (an unknown `x:` prefix is part of the text, as in `sip:alice@example.com`).
 */
export function compileFilter(text: string): ((c: CallInfo) => boolean) | undefined {
  const terms: Term[] = [];
  const re = /(-?)(?:([A-Za-z-]+):)?(?:"([^"]*)"?|(\S+))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const rawField = m[2]?.toLowerCase();
    let field: Field = 'any';
    let value = m[3] ?? m[4] ?? '';
    if (rawField !== undefined) {
      const f = FIELD_ALIASES[rawField];
      if (f !== undefined) field = f;
      else value = `${m[2]}:${value}`; // `sip:alice@...` is a URI, not a field prefix
    }
    if (value === '') continue;
    terms.push({ field, text: value.toLowerCase(), negate: m[1] === '-' });
  }
  if (terms.length === 0) return undefined;
  return (c) => terms.every((t) => matchTerm(c, t) !== t.negate);
}

function matchTerm(c: CallInfo, t: Term): boolean {
  const has = (s: string | undefined): boolean => s !== undefined && s.toLowerCase().includes(t.text);
  switch (t.field) {
    case 'from':
      return has(c.fromUri) || has(c.fromDisplay);
    case 'to':
      return has(c.toUri) || has(c.toDisplay);
    case 'callid':
      return has(c.callId);
    case 'method':
      return has(c.method);
    case 'state':
      return has(c.state);
    case 'status':
      return c.finalStatus !== undefined && String(c.finalStatus).startsWith(t.text);
    case 'any':
      return (
        has(c.fromUri) ||
        has(c.toUri) ||
        has(c.fromDisplay) ||
        has(c.toDisplay) ||
        has(c.callId) ||
        has(c.method) ||
        has(c.state) ||
        (c.finalStatus !== undefined && String(c.finalStatus).includes(t.text))
      );
  }
}

