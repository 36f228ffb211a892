// The SIP request methods registered with IANA (RFC 3261 §27.4 and the RFCs that added the others): one table read
// by the rules (unknown-method), the trace splitter (methods glued to log garbage) and the language server (hover).

export interface SipMethodDoc {
  readonly method: string;
  readonly rfc: number;
  readonly section?: string;
  readonly description: string;
}

// prettier-ignore
export const SIP_METHODS: readonly SipMethodDoc[] = [
  { method: 'INVITE', rfc: 3261, section: '13', description: 'Start a session (call) or modify it (re-INVITE); carries the SDP offer. Creates a dialog on 1xx-with-tag/2xx; 2xx is acknowledged with ACK.' },
  { method: 'ACK', rfc: 3261, section: '17.1.1.3', description: 'Acknowledge the final response to an INVITE. ACK for 2xx is its own transaction, sent end-to-end to the Contact.' },
  { method: 'BYE', rfc: 3261, section: '15.1', description: 'Terminate a session (dialog).' },
  { method: 'CANCEL', rfc: 3261, section: '9', description: 'Cancel a pending INVITE (same Via branch); the INVITE is then answered with 487.' },
  { method: 'REGISTER', rfc: 3261, section: '10', description: 'Bind an address-of-record (To) to contact addresses (Contact) at a registrar, for Expires seconds.' },
  { method: 'OPTIONS', rfc: 3261, section: '11', description: 'Query capabilities; widely used as a keep-alive / health check (SIP ping).' },
  { method: 'PRACK', rfc: 3262, section: '7.1', description: 'Acknowledge a reliable provisional response (100rel, RSeq/RAck).' },
  { method: 'SUBSCRIBE', rfc: 6665, section: '4.1', description: 'Subscribe to an event package (presence, dialog, message-summary...).' },
  { method: 'NOTIFY', rfc: 6665, section: '4.2', description: 'Deliver event state to a subscriber (or the progress of a REFER).' },
  { method: 'PUBLISH', rfc: 3903, section: '4', description: 'Publish event state to an event state compositor.' },
  { method: 'INFO', rfc: 6086, section: '4', description: 'Send application information within a dialog (DTMF via Info Packages, SIP INFO DTMF).' },
  { method: 'REFER', rfc: 3515, section: '2.4', description: 'Ask the recipient to contact a third party (call transfer, Refer-To).' },
  { method: 'MESSAGE', rfc: 3428, section: '4', description: 'Instant message in the body (pager mode).' },
  { method: 'UPDATE', rfc: 3311, section: '5', description: 'Update session parameters (SDP) before the INVITE is answered, without affecting the dialog state.' },
];

const METHOD_BY_NAME = new Map(SIP_METHODS.map((d) => [d.method, d]));

/** Documentation of a method (method names are case-sensitive, RFC 3261 §7.1). */
export function sipMethodDoc(method: string): SipMethodDoc | undefined {
  return METHOD_BY_NAME.get(method);
}

/** Registered method names (case-sensitive, RFC 3261 §7.1). */
export const REGISTERED_METHODS: ReadonlySet<string> = new Set(SIP_METHODS.map((d) => d.method));
