// Maps a parsed SIP message to the SipFacts the RFC 3261 model (dialog/reconstruct.ts) needs.
import type { SipFacts } from '../dialog/reconstruct';
import { summarizeSipMessage } from './summary';
import type { SipMessage } from './types';

/**
 * Facts for the call model. `problemCount` is the number of parse problems already found for the message.
 * Top Via sent-by is `host[:port]` lowercased (IPv6 without brackets), which is what transaction matching compares.
 */
export function factsFromMessage(message: SipMessage, problemCount: number): SipFacts {
  const s = summarizeSipMessage(message);
  const via = s.viaTop;
  return {
    kind: s.kind,
    method: s.method,
    statusCode: s.statusCode,
    reason: s.reason,
    callId: s.callId,
    cseqSeq: s.cseqSeq,
    cseqMethod: s.cseqMethod,
    fromTag: s.fromTag,
    toTag: s.toTag,
    parties: () => ({ fromUri: s.fromUri, toUri: s.toUri, fromDisplay: s.fromDisplay, toDisplay: s.toDisplay }),
    viaBranch: via?.branch,
    viaSentBy: via ? `${via.host}${via.port !== undefined ? `:${via.port}` : ''}`.toLowerCase() : undefined,
    hasSdp: s.hasSdp,
    problemCount,
  };
}
