// Hover/completion tables for SIP request methods (IANA "Methods" registry) and common URI / header parameters
// (RFC 3261 §19.1.1, §20 and extensions), each with its defining RFC section.

export { SIP_METHODS, sipMethodDoc } from '../../core/index';
export type { SipMethodDoc } from '../../core/index';

/** Where a parameter appears: in a Via header, a SIP URI, or as a header (name-addr) parameter. */
export type ParamContext = 'via' | 'uri' | 'header';

export interface SipParamDoc {
  readonly name: string;
  readonly contexts: readonly ParamContext[];
  /** Insert text for completion (snippet syntax: `$1`, `${1:default}`). */
  readonly snippet: string;
  readonly rfc: number;
  readonly section?: string;
  readonly description: string;
}

// prettier-ignore
export const SIP_PARAMS: readonly SipParamDoc[] = [
  { name: 'branch', contexts: ['via'], snippet: 'branch=z9hG4bK${1}', rfc: 3261, section: '8.1.1.7', description: 'Transaction identifier; must start with the magic cookie `z9hG4bK` and be unique per transaction (the same for CANCEL and non-2xx ACK).' },
  { name: 'rport', contexts: ['via'], snippet: 'rport', rfc: 3581, section: '4', description: 'Symmetric response routing: asks the server to send responses to the source IP and port of the request, and to fill in the port it saw. Needed behind NAT.' },
  { name: 'received', contexts: ['via'], snippet: 'received=${1}', rfc: 3261, section: '18.2.1', description: 'Added by the server when the sent-by host differs from the packet\'s source IP (the address actually seen, e.g. the NAT\'s public address).' },
  { name: 'maddr', contexts: ['via', 'uri'], snippet: 'maddr=${1}', rfc: 3261, section: '19.1.1', description: 'Overrides the address derived from the host part (multicast, or the server to contact).' },
  { name: 'ttl', contexts: ['via', 'uri'], snippet: 'ttl=${1:1}', rfc: 3261, section: '19.1.1', description: 'Time-to-live of multicast UDP packets (with maddr).' },
  { name: 'alias', contexts: ['via'], snippet: 'alias', rfc: 5923, section: '5', description: 'Connection reuse: the TLS/TCP connection may be reused for requests in the opposite direction.' },
  { name: 'comp', contexts: ['via', 'uri'], snippet: 'comp=${1:sigcomp}', rfc: 3486, description: 'Signalling compression (SigComp) is used or supported.' },
  { name: 'transport', contexts: ['uri'], snippet: 'transport=${1|udp,tcp,tls,ws,wss,sctp|}', rfc: 3261, section: '19.1.1', description: 'Transport to use towards this URI (udp, tcp, tls, sctp; ws/wss from RFC 7118).' },
  { name: 'lr', contexts: ['uri'], snippet: 'lr', rfc: 3261, section: '19.1.1', description: 'Loose routing: this element implements RFC 3261 routing (Route/Record-Route). Missing lr means strict routing (RFC 2543).' },
  { name: 'user', contexts: ['uri'], snippet: 'user=${1|phone,ip,dialstring|}', rfc: 3261, section: '19.1.1', description: 'How the user part is to be interpreted (user=phone: a telephone number).' },
  { name: 'method', contexts: ['uri'], snippet: 'method=${1:INVITE}', rfc: 3261, section: '19.1.1', description: 'Method of the request to form from this URI (redirects, Refer-To).' },
  { name: 'ob', contexts: ['uri'], snippet: 'ob', rfc: 5626, section: '5.4', description: 'SIP Outbound: the edge proxy keeps the flow alive; requests to this Contact go over the registration flow.' },
  { name: 'gr', contexts: ['uri'], snippet: 'gr', rfc: 5627, description: 'Globally routable user agent URI (GRUU).' },
  { name: 'tag', contexts: ['header'], snippet: 'tag=${1}', rfc: 3261, section: '19.3', description: 'Dialog identifier part: the From tag is set by the UAC, the To tag by the UAS. Call-ID + both tags identify the dialog.' },
  { name: 'expires', contexts: ['header'], snippet: 'expires=${1:3600}', rfc: 3261, section: '10.2.1.1', description: 'Lifetime of this Contact binding in seconds (overrides the Expires header; 0 removes the binding).' },
  { name: 'q', contexts: ['header'], snippet: 'q=${1:1.0}', rfc: 3261, section: '20.10', description: 'Relative preference of this contact (0 to 1) for sequential/parallel forking.' },
  { name: '+sip.instance', contexts: ['header'], snippet: '+sip.instance="<urn:uuid:${1}>"', rfc: 5626, section: '4.1', description: 'Instance identifier of the user agent (stable URN), for SIP Outbound and GRUU.' },
  { name: 'reg-id', contexts: ['header'], snippet: 'reg-id=${1:1}', rfc: 5626, section: '4.2', description: 'Registration flow identifier (SIP Outbound).' },
  { name: 'refresher', contexts: ['header'], snippet: 'refresher=${1|uac,uas|}', rfc: 4028, section: '4', description: 'Which side refreshes the session timer (Session-Expires).' },
  { name: 'duration', contexts: ['header'], snippet: 'duration=${1}', rfc: 3261, section: '20.33', description: 'How long the callee will be reachable (Retry-After).' },
  { name: 'cause', contexts: ['header', 'uri'], snippet: 'cause=${1}', rfc: 3326, section: '2', description: 'Reason header: protocol cause code (SIP status or Q.850 cause); in URIs: RFC 4458 diversion cause.' },
];

const PARAM_BY_NAME = new Map(SIP_PARAMS.map((d) => [d.name.toLowerCase(), d]));

/** Documentation of a parameter by name (case-insensitive, RFC 3261 §19.1.4 / §7.3.1). */
export function sipParamDoc(name: string): SipParamDoc | undefined {
  return PARAM_BY_NAME.get(name.toLowerCase());
}

/** `https://www.rfc-editor.org/rfc/rfcN#section-S` (no fragment without a section). */
export function rfcUrl(rfc: number, section?: string): string {
  return `https://www.rfc-editor.org/rfc/rfc${rfc}${section ? `#section-${section}` : ''}`;
}

/** `RFC 3261 §20.42` / `RFC 3581`. */
export function rfcLabel(rfc: number, section?: string): string {
  return section ? `RFC ${rfc} §${section}` : `RFC ${rfc}`;
}
