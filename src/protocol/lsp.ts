// Custom LSP methods between the SIPScope client (src/extension/client.ts) and language server (src/server):
// method names, params and results as plain data. Both sides build their typed RequestType from these.

/** `sipscope/traceLadder`: the call-flow ladder of a SIP trace document, as a self-contained HTML page. */
export const TRACE_LADDER_METHOD = 'sipscope/traceLadder';

export interface TraceLadderParams {
  /** Document URI as the client knows it (must be open in the server). */
  uri: string;
  /** Ladder columns: one per ip:port (default) or one per IP address. */
  columns?: 'endpoint' | 'ip';
  /** Only the messages of the call with this Call-ID (default: every call of the trace). */
  callId?: string;
}

export interface TraceLadderResult {
  /** Title used for the page and the webview panel. */
  title: string;
  /**
   * Complete HTML document from the core's renderLadderHtml: inline SVG, no script, its own CSP meta
   * (`default-src 'none'; style-src 'unsafe-inline'; img-src data:`). Empty when the trace has no SIP message.
   */
  html: string;
  /** Messages, calls and endpoints in the ladder. */
  messageCount: number;
  callCount: number;
  endpointCount: number;
  /** True when some endpoints are placeholders (`A`, `B`, Via sent-by) because the trace had no address prefixes. */
  inferredEndpoints: boolean;
}

/** Command ids contributed by the language client. */
export const SHOW_TRACE_LADDER_COMMAND = 'sipscope.showTraceLadder';

/**
 * Data attached to each published Diagnostic (`Diagnostic.data`): the finding's fixes in BYTE spans of the document
 * version that was linted. Code actions convert them to LSP ranges only when `version` is still current.
 */
export interface SipScopeDiagnosticData {
  /** Document version the byte spans refer to. */
  version: number;
  fixes: SipScopeFixData[];
}

export interface SipScopeFixData {
  title: string;
  preferred?: boolean;
  /** Byte spans (UTF-8 offsets into the linted document version) and replacement text. */
  edits: { start: number; end: number; newText: string }[];
}

/**
 * URI scheme of the capture editor's read-only message documents (Open as text, Compare with previous hop): the
 * language server checks them but offers no quick fixes there (edits cannot be applied).
 */
export const MESSAGE_DOCUMENT_SCHEME = 'sipscope-message';
