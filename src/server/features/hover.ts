// Hover: header fields (meaning + RFC section from the header table), parameters, status codes, methods, SDP line
// types and attributes, and addresses with their class (private, CGNAT, link-local...) as the NAT rules see them.
import { Disposable, MarkupKind, type Hover } from 'vscode-languageserver';
import { classifyIp, ipInCidr, parseIp } from '../../core/index';
import type { DocumentSnapshot } from '../analysis';
import type { ServerContext } from '../context';
import { positionToByte, spanToRange } from '../convert';
import { sdpAttributeDoc, sdpLineTypeDoc } from '../docs/sdp-attributes';
import { rfcLabel, rfcUrl, sipMethodDoc, sipParamDoc } from '../docs/sip-methods';
import { STATUS_CLASSES, statusCodeDoc } from '../docs/status-codes';
import { hoverElementAt, messageElements, sdpDocumentElements, type HoverTarget } from '../elements';
import { identifierAt, identifierSummary } from './navigation';

/** Address class as the core's classifyIp returns it. */
type IpClass = NonNullable<ReturnType<typeof classifyIp>>;

const IP_CLASS_TEXT: Record<IpClass, string> = {
  private: 'private address (RFC 1918; IPv6 site-local fec0::/10): not reachable from the Internet — behind NAT it must not appear in Via/Contact/SDP sent to a public peer',
  shared: 'shared address space, carrier-grade NAT (RFC 6598, 100.64.0.0/10): the device sits behind the ISP\'s NAT as well',
  loopback: 'loopback address: only meaningful on the host itself',
  'link-local': 'link-local address (RFC 3927 / RFC 4291): valid on one link only, never routed',
  ula: 'unique local address (RFC 4193, fc00::/7): private IPv6, not routed on the Internet',
  unspecified: 'unspecified address (0.0.0.0 / ::): no address; in SDP c= the legacy RFC 2543 hold',
  documentation: 'documentation address (RFC 5737 / RFC 3849 / RFC 9637): for examples only',
  multicast: 'multicast or broadcast address',
  public: 'public (globally routable) address',
};

/** Markdown for an address: its class, and whether a `sipscope.nat.trustedNetworks` entry covers it. */
export function addressMarkdown(text: string, trusted: readonly string[]): string | undefined {
  const bare = text.replace(/^\[|\]$/g, '');
  if (parseIp(bare) === undefined) return undefined;
  const cls = classifyIp(bare);
  if (cls === undefined) return undefined;
  const v6 = bare.includes(':');
  const lines = [`**${bare}** — IPv${v6 ? 6 : 4} ${IP_CLASS_TEXT[cls]}.`];
  const net = trusted.find((c) => ipInCidr(bare, c));
  if (net !== undefined) lines.push('', `Inside trusted network \`${net}\` (\`sipscope.nat.trustedNetworks\`): not flagged by NAT rules.`);
  return lines.join('\n');
}

/** Markdown for a hover target. */
export function hoverMarkdown(t: HoverTarget, trusted: readonly string[]): string | undefined {
  switch (t.kind) {
    case 'method': {
      const d = sipMethodDoc(t.method);
      if (d === undefined) return `**${t.method}** — extension method not in SIPScope's table (a UAS that does not support it answers 501 / 405).`;
      return `**${d.method}** (SIP method)\n\n${d.description}\n\n[${rfcLabel(d.rfc, d.section)}](${rfcUrl(d.rfc, d.section)})`;
    }
    case 'status': {
      const d = statusCodeDoc(t.code);
      const cls = STATUS_CLASSES[Math.floor(t.code / 100)];
      const classLine = cls ? `${Math.floor(t.code / 100)}xx ${cls.name}: ${cls.meaning} ([RFC 3261 §${cls.section}](${rfcUrl(3261, cls.section)})).` : '';
      if (d === undefined) return `**${t.code}** — not a registered status code; treated as x00 of its class (RFC 3261 §8.1.3.2).\n\n${classLine}`;
      return `**${d.code} ${d.reason}**\n\n${d.description}\n\n${classLine}\n\n[${rfcLabel(d.rfc, d.section)}](${rfcUrl(d.rfc, d.section)})`;
    }
    case 'header': {
      const d = t.def;
      if (d === undefined) return `**${t.name}** — extension header not in SIPScope's table. Unknown header fields are ignored by UAs and passed on by proxies (RFC 3261 §8.2.2.3).`;
      const written = t.name.length === 1 && d.compact !== undefined ? ` — compact form of \`${d.display}\` (RFC 3261 §7.3.3)` : d.compact !== undefined ? ` (compact form \`${d.compact}\`)` : '';
      const shape = `${d.list ? 'List-valued' : 'Single-valued'}${d.single ? ', at most once per message' : ''}.`;
      return `**${d.display}**${written}\n\n${d.description}\n\n${shape}\n\n[${rfcLabel(d.rfc, d.section)}](${rfcUrl(d.rfc, d.section)})`;
    }
    case 'param': {
      const d = sipParamDoc(t.name);
      const value = t.value !== undefined && t.value !== '' ? `\n\nValue: \`${t.value}\`` : '';
      if (d === undefined) return `**;${t.name}** — ${t.context === 'uri' ? 'URI' : t.context === 'via' ? 'Via' : 'header'} parameter not in SIPScope's table.${value}`;
      return `**;${d.name}**\n\n${d.description}${value}\n\n[${rfcLabel(d.rfc, d.section)}](${rfcUrl(d.rfc, d.section)})`;
    }
    case 'address':
      return addressMarkdown(t.text, trusted);
    case 'sdp-line': {
      const d = sdpLineTypeDoc(t.type);
      if (d === undefined) return `**${t.type}=** — not an SDP line type (RFC 8866 §5: unknown types are ignored).`;
      return `**${d.type}=** ${d.name}\n\n\`\`\`\n${d.syntax}\n\`\`\`\n\n${d.description}\n\n[RFC 8866 §${d.section}](${rfcUrl(8866, d.section)})`;
    }
    case 'sdp-attr': {
      const d = sdpAttributeDoc(t.name);
      if (d === undefined) return `**a=${t.name}** — attribute not in SIPScope's table (unknown attributes are ignored, RFC 8866 §5.13).`;
      const syntax = d.syntax === '' ? `a=${d.name}` : `a=${d.name}:${d.syntax}`;
      return `**a=${d.name}**\n\n\`\`\`\n${syntax}\n\`\`\`\n\n${d.description}\n\n[${rfcLabel(d.rfc, d.section)}](${rfcUrl(d.rfc, d.section)})`;
    }
  }
}

/** Hover at byte offset `offset` of the snapshot, or null. */
export function hoverAt(snap: DocumentSnapshot, offset: number, trusted: readonly string[]): Hover | null {
  let found: { start: number; end: number; target: HoverTarget } | undefined;
  if (snap.language === 'sdp') {
    const el = hoverElementAt(sdpDocumentElements(snap), offset);
    if (el?.hover) found = { start: el.start, end: el.end, target: el.hover };
  } else {
    const i = snap.messageIndexAt(offset);
    const local = i >= 0 ? snap.toLocal(i, offset) : -1;
    if (local >= 0) {
      const el = hoverElementAt(messageElements(snap.facts(i)), local);
      if (el?.hover) found = { start: snap.toDocument(i, el.start), end: snap.toDocument(i, el.end), target: el.hover };
    }
  }
  found ??= addressAround(snap, offset);
  // A Call-ID, tag, branch or CSeq: what it stands for in this trace, after the element's own text (a parameter's).
  const id = snap.language === 'sip' ? identifierAt(snap, offset) : undefined;
  const summary = id !== undefined ? identifierSummary(snap, id) : undefined;
  const doc = found !== undefined ? hoverMarkdown(found.target, trusted) : undefined;
  const value = doc !== undefined && summary !== undefined ? `${doc}\n\n---\n\n${summary}` : (doc ?? summary);
  if (value === undefined) return null;
  const range = found !== undefined && doc !== undefined ? found : id!;
  return { contents: { kind: MarkupKind.Markdown, value }, range: spanToRange(snap.lines, { start: range.start, end: range.end }) };
}

/** An IP literal around `offset` on its line (log prefixes, Warning headers, anything the elements do not cover). */
function addressAround(snap: DocumentSnapshot, offset: number): { start: number; end: number; target: HoverTarget } | undefined {
  const b = snap.bytes;
  const isAddr = (c: number) => (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46 || c === 91 || c === 93;
  let s = offset;
  while (s > 0 && isAddr(b[s - 1]!)) s--;
  let e = offset;
  while (e < b.length && isAddr(b[e]!)) e++;
  // An address with a port is at most 47 characters ([IPv6]:port); a longer run (a hex dump) is not one, and spreading
  // it into fromCharCode would exceed the argument limit.
  if (e - s < 3 || e - s > 64) return undefined;
  let text = String.fromCharCode(...b.subarray(s, e));
  // "10.0.0.1:5060" in a log prefix: drop a trailing :port from an IPv4 address.
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  if (v4port) {
    text = v4port[1]!;
    e = s + text.length;
    if (offset > e) return undefined;
  }
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracket) {
    text = bracket[1]!;
    s += 1;
    e = s + text.length;
  }
  if (!(text.includes('.') || text.includes(':')) || parseIp(text) === undefined) return undefined;
  return { start: s, end: e, target: { kind: 'address', text } };
}

export function registerHover(ctx: ServerContext): Disposable {
  return ctx.connection.onHover((params) => {
    const snap = ctx.snapshot(params.textDocument.uri);
    if (snap === undefined) return null;
    return hoverAt(snap, positionToByte(snap.lines, params.position), ctx.settings.lint.trustedNetworks);
  });
}
