// Lint the SIP messages of a capture as a trace is linted: the message rules (and the SDP rules on each SDP body) on
// every message the import found, read back from the capture. The capture-scope NAT rules are run-capture.ts's.
import type { CaptureModel } from '../capture/import-capture';
import { MessageBytesReader } from '../capture/import-capture';
import { lintMessageBytes } from './run';
import type { Finding, LintSettings } from './types';
import { DEFAULT_LINT_SETTINGS } from './types';

/** One SIP message of a capture and what the rules found in it. */
export interface CapturedMessageFindings {
  /** Message id (CaptureModel.messages). */
  messageId: number;
  /** 1-based capture record that completed the message (tshark's frame.number). */
  frame: number;
  /** The message's bytes, valid until the generator is resumed. */
  bytes: Uint8Array;
  /** Findings, sorted by position; spans are byte offsets into `bytes`. No fixes: a capture is never edited. */
  findings: Finding[];
}

export interface CapturedMessagesLintOptions {
  /** Lint these message ids (any order; default every message, in capture order). */
  messageIds?: Iterable<number>;
  /** Polled between messages: true stops the pass. */
  isCancelled?: () => boolean;
}

/**
 * Run the message-scope rules (RFC 3261 syntax and semantics, RFC 4568 SDES keys, SDP rules on the bodies...) on the
 * SIP messages of `model`, each message's bytes read back from the capture (reassembled TCP/WebSocket/TLS messages
 * from memory), in batched reads. Retransmissions (MessageInfo.retransmission: the same message again, RFC 3261 §17)
 * are skipped, since their findings are the first copy's. Yields only messages with findings. Never throws on input
 * (a rule that fails gives a `hint` finding, as lintMessageBytes does); rejects only when the capture cannot be read.
 */
export async function* lintCapturedMessages(
  model: CaptureModel,
  settings: LintSettings = DEFAULT_LINT_SETTINGS,
  opts: CapturedMessagesLintOptions = {},
): AsyncGenerator<CapturedMessageFindings> {
  const reader = new MessageBytesReader(model);
  const ids = opts.messageIds ?? range(model.messages.count);
  for (const id of ids) {
    if (opts.isCancelled?.() === true) return;
    const info = model.messages.get(id);
    if (info.retransmission) continue;
    const bytes = await reader.bytes(id);
    const findings = lintMessageBytes(bytes, settings, { transport: info.transport });
    if (findings.length === 0) continue;
    for (const f of findings) delete f.fixes;
    yield { messageId: id, frame: info.frame, bytes, findings };
  }
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}
