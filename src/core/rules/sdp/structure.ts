// SDP structure rules (RFC 8866 §5): line syntax and known types, required v/o/s/t lines, line order and placement,
// and the session name.
import type { SdpLine } from '../../sdp/types';
import type { Rule } from '../types';
import type { SdpContext } from '../context';
import { r8866 } from '../util';

const KNOWN_TYPES = 'vosiuepcbtrzkam';

export const lineSyntaxRule: Rule<SdpContext> = {
  id: 'sdp/line-syntax',
  title: 'Malformed SDP line',
  description:
    'Every SDP line is "<type>=<value>" with a single known type letter and no space before "=". A parser must ' +
    'ignore a whole session description that contains a type letter it does not understand, and strict parsers reject ' +
    'any malformed line, so the offer or answer fails (no media).',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('5')],
  check(ctx, report) {
    for (const p of ctx.parseProblems) {
      if (p.code === 'sdp/bad-line') report({ span: p.span, message: p.message });
      else if (p.code === 'sdp/empty-line') report({ span: p.span, severity: 'warning', message: 'Empty line inside the session description: strict parsers stop or fail here (RFC 8866 §5)' });
    }
    for (const l of ctx.session.lines) {
      if (l.type === '' || KNOWN_TYPES.includes(l.type)) continue;
      report({
        span: l.span,
        message: `Unknown SDP line type "${l.type}=": a parser must ignore the whole session description when it meets a type letter it does not understand (RFC 8866 §5)`,
      });
    }
  },
};

export const requiredLinesRule: Rule<SdpContext> = {
  id: 'sdp/required-lines',
  title: 'Required SDP line missing or repeated',
  description:
    'A session description starts with "v=0" and has exactly one o= and one s= line and at least one t= line at ' +
    'session level. Without them most stacks (e.g. PJSIP, browsers) reject the SDP, so the call has no media or fails ' +
    'with 488 Not Acceptable Here.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('5'), r8866('5.1'), r8866('5.2'), r8866('5.3'), r8866('5.9')],
  check(ctx, report) {
    const lines = ctx.session.lines.filter((l) => l.type !== '' || l.value !== '');
    const first = lines[0];
    const bodyStart = { start: ctx.body.start, end: ctx.body.start };
    if (first === undefined) {
      report({ span: bodyStart, message: 'Empty session description (RFC 8866 §5)' });
      return;
    }
    if (first.type !== 'v') {
      const v = lines.find((l) => l.type === 'v');
      report({
        span: first.span,
        message: v === undefined ? 'The session description does not start with "v=0" (RFC 8866 §5.1)' : 'The first line must be "v=0" (RFC 8866 §5)',
      });
    } else if (first.value.trim() !== '0') {
      report({ span: first.valueSpan, message: `Protocol version "${first.value}" is not 0 (RFC 8866 §5.1)` });
    }
    const session: SdpLine[] = [];
    for (const l of ctx.session.lines) {
      if (l.type === 'm') break;
      session.push(l);
    }
    const anchor = first.span;
    for (const [t, what, sec] of [
      ['o', 'origin (o=)', '5.2'],
      ['s', 'session name (s=)', '5.3'],
      ['t', 'timing (t=)', '5.9'],
    ] as const) {
      const found = session.filter((l) => l.type === t);
      if (found.length === 0) {
        report({ span: anchor, message: `No ${what} line at session level: it is required (RFC 8866 §${sec}); many stacks reject the SDP` });
      } else if (t !== 't' && found.length > 1) {
        report({ span: (found[1] as SdpLine).span, message: `More than one ${what} line: exactly one is allowed (RFC 8866 §${sec})` });
      }
    }
    const vs = session.filter((l) => l.type === 'v');
    if (vs.length > 1) report({ span: (vs[1] as SdpLine).span, message: 'More than one v= line (RFC 8866 §5.1)' });
  },
};

const SESSION_RANK: Record<string, number> = { v: 0, o: 1, s: 2, i: 3, u: 4, e: 5, p: 6, c: 7, b: 8, t: 9, r: 9, z: 10, k: 11, a: 12 };
const MEDIA_RANK: Record<string, number> = { m: 0, i: 1, c: 2, b: 3, k: 4, a: 5 };
const ORDER_TEXT = 'v o s i u e p c b t r z k a';
const MEDIA_ORDER_TEXT = 'm i c b k a';

export const lineOrderRule: Rule<SdpContext> = {
  id: 'sdp/line-order',
  title: 'SDP lines out of order or misplaced',
  description:
    'Session-level lines come in the order v o s i u e p c b t r z k a, media-level lines in the order m i c b k a, ' +
    'and lines such as o=, s= or t= cannot appear inside a media description. Lenient parsers accept other orders, ' +
    'strict ones reject the SDP or attach the line to the wrong level.',
  defaultSeverity: 'warning',
  scope: 'sdp',
  refs: [r8866('5')],
  check(ctx, report) {
    let inMedia = false;
    let maxRank = -1;
    let maxType = '';
    for (const l of ctx.session.lines) {
      if (l.type === '') continue;
      if (l.type === 'm') {
        inMedia = true;
        maxRank = 0;
        maxType = 'm';
        continue;
      }
      const table = inMedia ? MEDIA_RANK : SESSION_RANK;
      const rank = table[l.type];
      if (rank === undefined) {
        if (inMedia && SESSION_RANK[l.type] !== undefined) {
          report({ span: l.span, severity: 'error', message: `"${l.type}=" is a session-level line and is not allowed inside a media description (RFC 8866 §5)` });
        }
        continue;
      }
      if (rank < maxRank) {
        report({
          span: l.span,
          message: `"${l.type}=" must come before "${maxType}=" (order ${inMedia ? MEDIA_ORDER_TEXT : ORDER_TEXT}, RFC 8866 §5)`,
        });
      } else {
        maxRank = rank;
        maxType = l.type;
      }
    }
  },
};

export const sessionNameRule: Rule<SdpContext> = {
  id: 'sdp/session-name',
  title: 'Empty session name',
  description:
    'The s= line must not be empty; "s=-" or "s= " stand for "no name". Many parsers accept "s=" but strict ones ' +
    '(and SDP validators) reject it.',
  defaultSeverity: 'warning',
  scope: 'sdp',
  refs: [r8866('5.3')],
  check(ctx, report) {
    for (const l of ctx.session.lines) {
      if (l.type === 'm') break;
      if (l.type === 's' && l.value === '') report({ span: l.span, message: 's= is empty: use "s=-" when the session has no name (RFC 8866 §5.3)' });
    }
  },
};

export const STRUCTURE_RULES = [lineSyntaxRule, requiredLinesRule, lineOrderRule, sessionNameRule];
