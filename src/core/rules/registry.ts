// The one RULES registry: every sip/, sdp/ and nat/ rule in a stable order (settings, docs and SARIF follow it).
import type { Rule, RuleMeta } from './types';
import type { MessageContext, SdpContext } from './context';
import { START_LINE_RULES } from './sip/start-line';
import { URI_RULES } from './sip/uri';
import { HEADER_RULES } from './sip/headers';
import { VIA_RULES } from './sip/via';
import { DIALOG_RULES } from './sip/dialog';
import { VALUE_RULES } from './sip/values';
import { SECURITY_RULES } from './sip/security';
import { STRUCTURE_RULES } from './sdp/structure';
import { FIELD_RULES } from './sdp/fields';
import { ATTRIBUTE_RULES } from './sdp/attributes';
import { WEBRTC_RULES } from './sdp/webrtc';
import { NAT_SIGNALLING_RULES } from './nat/signalling';
import { NAT_MEDIA_RULES } from './nat/media';
import { CAPTURE_NAT_RULES } from './capture/index';

/** Rules run on one SIP message. */
export const MESSAGE_RULES: readonly Rule<MessageContext>[] = [
  ...START_LINE_RULES,
  ...URI_RULES,
  ...HEADER_RULES,
  ...VIA_RULES,
  ...DIALOG_RULES,
  ...VALUE_RULES,
  ...SECURITY_RULES,
  ...NAT_SIGNALLING_RULES,
];

/** Rules run on one SDP body (inside a SIP message or a standalone .sdp document). */
export const SDP_RULES: readonly Rule<SdpContext>[] = [...STRUCTURE_RULES, ...FIELD_RULES, ...ATTRIBUTE_RULES, ...WEBRTC_RULES, ...NAT_MEDIA_RULES];

/** Every rule, `sip/...` first, then `sdp/...`, then `nat/...` (text scopes), then the capture-scope `nat/...` rules. */
export const RULES: readonly Rule<any>[] = [
  ...MESSAGE_RULES.filter((r) => r.id.startsWith('sip/')),
  ...SDP_RULES.filter((r) => r.id.startsWith('sdp/')),
  ...MESSAGE_RULES.filter((r) => r.id.startsWith('nat/')),
  ...SDP_RULES.filter((r) => r.id.startsWith('nat/')),
  // Capture scope (observed addresses, RTP, ICMP): run by rules/run-capture.ts, not by the text linter.
  ...CAPTURE_NAT_RULES,
];

const BY_ID = new Map<string, Rule<any>>(RULES.map((r) => [r.id, r]));

/** The rule with this id, or undefined. */
export function getRule(id: string): RuleMeta | undefined {
  return BY_ID.get(id);
}

/** Metadata of every rule (no check functions), e.g. for docs, settings and SARIF. */
export function ruleMetas(): RuleMeta[] {
  return RULES.map((r) => ({ id: r.id, title: r.title, description: r.description, defaultSeverity: r.defaultSeverity, scope: r.scope, refs: r.refs }));
}
