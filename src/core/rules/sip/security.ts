// Security of what a SIP message carries: SRTP master keys (SDES, RFC 4568 a=crypto) in an SDP sent over a transport
// that does not encrypt it, where anyone who captures the signalling can decrypt the media.
import type { Rule } from '../types';
import type { MessageContext } from '../context';
import { rfcRef } from '../types';

/** Via transports that encrypt the hop (RFC 3261 §26.2 TLS, RFC 7118 WSS) or that only a secure scheme implies. */
const ENCRYPTED_TRANSPORTS = new Set(['TLS', 'WSS', 'DTLS', 'TLS-SCTP']);

export const sdesKeyInClearRule: Rule<MessageContext> = {
  id: 'sip/sdes-key-in-clear',
  title: 'SRTP key sent in clear',
  description:
    'An SDP a=crypto line (SDES, RFC 4568) carries the SRTP master key in clear text, so the SDP must be encrypted ' +
    'hop by hop (SIP over TLS, RFC 3261 §26.2) or end to end (S/MIME). Sent over UDP, TCP, SCTP or plain WebSocket ' +
    '(the top Via says which; in a capture, how it was seen), the key is readable by anyone who can capture the signalling, and the "secure" media ' +
    'can be decrypted and listened to (sipscope audio does exactly that).',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [rfcRef(4568, '8.3'), rfcRef(4568, '6.1'), rfcRef(3261, '26.2')],
  check(ctx, report) {
    // In a capture, how the message really travelled (SIP decrypted from TLS, or sent in clear whatever its Via
    // says); in a text, the top Via's transport.
    const transport = ctx.origin.transport?.toUpperCase() ?? ctx.topVia?.transport;
    if (transport === undefined || ENCRYPTED_TRANSPORTS.has(transport)) return;
    const observed = ctx.origin.transport !== undefined;
    for (const { session } of ctx.sdpBodies) {
      for (const l of session.lines) {
        if (l.type !== 'a' || !/^crypto:\s*\d+\s+\S+\s+inline:/i.test(l.value)) continue;
        report({
          span: l.span,
          message: `SRTP master key (a=crypto, RFC 4568) sent in clear over ${transport}${observed && ctx.topVia !== undefined && ctx.topVia.transport !== transport ? ` (its Via says ${ctx.topVia.transport})` : ''}: whoever captures this message can decrypt the media; send SDES keys only over TLS (RFC 4568 §8.3)`,
        });
      }
    }
  },
};

export const SECURITY_RULES: readonly Rule<MessageContext>[] = [sdesKeyInClearRule];
