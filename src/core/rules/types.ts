// Rule registry contracts: one RULES table for sip/, sdp/, nat/ and capture/ rules. Findings carry positions
// (byte spans into the checked text, or capture frames), RFC references and fixes as data.
import type { Span } from '../text/span';

export type RuleSeverity = 'error' | 'warning' | 'info' | 'hint';
/** Severity as configured: a RuleSeverity or 'off'. */
export type RuleSeveritySetting = RuleSeverity | 'off';

/** Where a rule runs: on one SIP message, one SDP body, a whole text trace, or a capture (observed addresses). */
export type RuleScope = 'message' | 'sdp' | 'trace' | 'capture';

/** Reference to the standard (or documented practice) a rule enforces. */
export interface RuleRef {
  /** RFC number, e.g. 3261; omit for non-RFC references. */
  rfc?: number;
  /** Section, e.g. `8.1.1` or `18.2.1`. */
  section?: string;
  /** Title for non-RFC references (e.g. `Kamailio nathelper nat_uac_test`). */
  title?: string;
  /** Link; for RFCs `https://www.rfc-editor.org/rfc/rfc3261#section-8.1.1`. */
  url: string;
}

/** A text edit as data: replace `span` (byte offsets into the checked document's UTF-8 bytes) by `newText`. */
export interface FixEdit {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: FixEdit[];
  /** True for the fix that should be offered first (LSP isPreferred). */
  preferred?: boolean;
}

/** One finding of one rule. Text findings have `span`; capture findings have `frames` (1-based record numbers). */
export interface Finding {
  ruleId: string;
  severity: RuleSeverity;
  message: string;
  /** Byte span into the checked document (text scopes). */
  span?: Span;
  /** Capture scope: message ids (MessageInfo.id), call index and evidence frames. */
  messageIds?: number[];
  callIndex?: number;
  /** Capture scope: Call-ID of that call (so a finding can be exported without the model). */
  callId?: string;
  frames?: number[];
  refs: readonly RuleRef[];
  fixes?: Fix[];
}

/** What a rule's check() reports: severity and refs default to the rule's own. */
export type Report = (f: Omit<Finding, 'ruleId' | 'severity' | 'refs'> & { severity?: RuleSeverity }) => void;

export interface RuleMeta {
  /** Stable id `area/kebab-name` (area: sip, sdp, nat, capture). Used in settings, CLI flags and docs anchors. */
  id: string;
  title: string;
  /** One paragraph: what is checked and the consequence for a call (used in docs and hover). */
  description: string;
  defaultSeverity: RuleSeverity;
  scope: RuleScope;
  refs: readonly RuleRef[];
}

export interface Rule<Ctx> extends RuleMeta {
  check(ctx: Ctx, report: Report): void;
}

/** Deployment settings that rules read (from VS Code settings or CLI flags). */
export interface LintSettings {
  /** Severity overrides by rule id. */
  severities: Record<string, RuleSeveritySetting>;
  /** CIDRs that are reachable in this deployment, so not flagged by NAT rules (e.g. `100.96.0.0/12`). */
  trustedNetworks: string[];
  /** Ports that carry SIP (default 5060, 5061). */
  sipPorts: number[];
}

export const DEFAULT_LINT_SETTINGS: LintSettings = { severities: {}, trustedNetworks: [], sipPorts: [5060, 5061] };

/** `https://www.rfc-editor.org/rfc/rfcN#section-S` */
export function rfcRef(rfc: number, section?: string): RuleRef {
  return { rfc, section, url: `https://www.rfc-editor.org/rfc/rfc${rfc}${section ? `#section-${section}` : ''}` };
}

/** Capture scope: the NAT verdict of one call (rules/run-capture.ts): one line, its findings and evidence frames. */
export interface CallVerdict {
  callIndex: number;
  callId: string;
  /** E.g. `caller behind NAT, no rport, proxy fixed Contact; RTP from callee never reached caller: SDP c= 192.168.1.10 is private`. */
  summary: string;
  findings: Finding[];
  /** 1-based record numbers of the evidence, sorted. */
  frames: number[];
}
