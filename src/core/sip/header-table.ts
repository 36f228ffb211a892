// The one table of SIP header fields: canonical name, display name, compact form, list/single-valued, RFC reference
// and a one-line description (hover docs). Lookup by name bytes without allocating (RFC 3261 §7.3.1, §7.3.3, §20).
import { LOWER } from '../text/decode';

/** One header field definition. */
export interface SipHeaderDef {
  /** Canonical lower-case full name (`via`, `call-id`). */
  readonly canonical: string;
  /** Conventional spelling (`Via`, `Call-ID`, `WWW-Authenticate`). */
  readonly display: string;
  /** Compact form (RFC 3261 §7.3.3 and later RFCs), lower-case single letter, if any. */
  readonly compact: string | undefined;
  /**
   * Value is a comma-separated list: several field lines may be combined into one and one line may carry several
   * elements (RFC 3261 §7.3.1). False for the auth headers, whose commas are not list separators.
   */
  readonly list: boolean;
  /** At most one occurrence is allowed (duplicate detection, RFC 4475 §3.3.8). */
  readonly single: boolean;
  /** Defining RFC number and section (`{ rfc: 3261, section: '20.42' }`). */
  readonly rfc: number;
  readonly section: string;
  /** One-line description for hover documentation. */
  readonly description: string;
}

type Row = [display: string, compact: string, list: 0 | 1, single: 0 | 1, rfc: number, section: string, description: string];

// prettier-ignore
const ROWS: readonly Row[] = [
  // RFC 3261 §20 (all header fields of the base specification)
  ['Accept', '', 1, 0, 3261, '20.1', 'Media types acceptable in the response body.'],
  ['Accept-Encoding', '', 1, 0, 3261, '20.2', 'Content codings (e.g. gzip) acceptable in the response body.'],
  ['Accept-Language', '', 1, 0, 3261, '20.3', 'Preferred languages for reason phrases, session descriptions and bodies.'],
  ['Alert-Info', '', 1, 0, 3261, '20.4', 'Alternative ring tone (URI) for the UAS, or ringback tone for the UAC.'],
  ['Allow', '', 1, 0, 3261, '20.5', 'Methods supported by the user agent that sent the message.'],
  ['Authentication-Info', '', 0, 1, 3261, '20.6', 'Mutual authentication data returned after successful Digest authentication.'],
  ['Authorization', '', 0, 0, 3261, '20.7', 'Credentials of a user agent, answering a 401 WWW-Authenticate challenge.'],
  ['Call-ID', 'i', 0, 1, 3261, '20.8', 'Globally unique identifier of a call (dialog and registration grouping).'],
  ['Call-Info', '', 1, 0, 3261, '20.9', 'Additional information about the caller or callee (icon, info, card URIs).'],
  ['Contact', 'm', 1, 0, 3261, '20.10', 'URI(s) where the sender can be reached directly for subsequent requests; registered bindings.'],
  ['Content-Disposition', '', 0, 1, 3261, '20.11', 'How the body is to be interpreted (session, render, icon, alert).'],
  ['Content-Encoding', 'e', 1, 0, 3261, '20.12', 'Content codings applied to the body.'],
  ['Content-Language', '', 1, 0, 3261, '20.13', 'Language(s) of the body.'],
  ['Content-Length', 'l', 0, 1, 3261, '20.14', 'Size of the body in bytes (mandatory over stream transports).'],
  ['Content-Type', 'c', 0, 1, 3261, '20.15', 'Media type of the body (application/sdp, multipart/mixed, ...).'],
  ['CSeq', '', 0, 1, 3261, '20.16', 'Command sequence: a sequence number and the request method; orders and matches transactions.'],
  ['Date', '', 0, 1, 3261, '20.17', 'Date and time the message was first sent (RFC 1123 format, GMT).'],
  ['Error-Info', '', 1, 0, 3261, '20.18', 'Pointer to additional information about the error status of a response.'],
  ['Expires', '', 0, 1, 3261, '20.19', 'Relative time (seconds) after which the message or content expires.'],
  ['From', 'f', 0, 1, 3261, '20.20', 'Initiator of the request (logical identity) with its dialog tag.'],
  ['In-Reply-To', '', 1, 0, 3261, '20.21', 'Call-IDs this call references or returns.'],
  ['Max-Forwards', '', 0, 1, 3261, '20.22', 'Remaining number of hops the request may take (0-255, usually 70).'],
  ['Min-Expires', '', 0, 1, 3261, '20.23', 'Minimum refresh interval supported by the registrar (with 423).'],
  ['MIME-Version', '', 0, 1, 3261, '20.24', 'MIME version of the message body.'],
  ['Organization', '', 0, 1, 3261, '20.25', 'Organization to which the sender belongs.'],
  ['Priority', '', 0, 1, 3261, '20.26', 'Urgency of the request as perceived by the client (non-urgent, normal, urgent, emergency).'],
  ['Proxy-Authenticate', '', 0, 0, 3261, '20.27', 'Authentication challenge from a proxy (in 407 responses).'],
  ['Proxy-Authorization', '', 0, 0, 3261, '20.28', 'Credentials of the client for a proxy requiring authentication.'],
  ['Proxy-Require', '', 1, 0, 3261, '20.29', 'Option tags that proxies must support to process the request.'],
  ['Record-Route', '', 1, 0, 3261, '20.30', 'Proxies that want to stay on the path of subsequent requests in the dialog.'],
  ['Reply-To', '', 0, 1, 3261, '20.31', 'Logical return URI, possibly different from From.'],
  ['Require', '', 1, 0, 3261, '20.32', 'Option tags the UAS must support to process the request.'],
  ['Retry-After', '', 0, 1, 3261, '20.33', 'How long the service is expected to be unavailable, or when the callee is reachable again.'],
  ['Route', '', 1, 0, 3261, '20.34', 'Route set the request must be forced through (loose routing, ;lr).'],
  ['Server', '', 0, 1, 3261, '20.35', 'Software used by the UAS to handle the request.'],
  ['Subject', 's', 0, 1, 3261, '20.36', 'Summary or nature of the call.'],
  ['Supported', 'k', 1, 0, 3261, '20.37', 'Extensions (option tags) supported by the sender.'],
  ['Timestamp', '', 0, 1, 3261, '20.38', 'When the UAC sent the request (used for RTT estimation).'],
  ['To', 't', 0, 1, 3261, '20.39', 'Logical recipient of the request, with the dialog tag of the UAS.'],
  ['Unsupported', '', 1, 0, 3261, '20.40', 'Features not supported by the UAS (with 420).'],
  ['User-Agent', '', 0, 1, 3261, '20.41', 'Software of the user agent originating the request.'],
  ['Via', 'v', 1, 0, 3261, '20.42', 'Path taken by the request so far and where responses must be sent (transport, sent-by, branch).'],
  ['Warning', '', 1, 0, 3261, '20.43', 'Additional information about the status of a response (3-digit warn-code, agent, text).'],
  ['WWW-Authenticate', '', 0, 0, 3261, '20.44', 'Authentication challenge from a UAS or registrar (in 401 responses).'],
  // Extensions
  ['RAck', '', 0, 1, 3262, '7.2', 'Reliable provisional response being acknowledged by PRACK (RSeq, CSeq number, method).'],
  ['RSeq', '', 0, 1, 3262, '7.1', 'Sequence number of a reliable provisional response (100rel).'],
  ['Privacy', '', 0, 1, 3323, '4.2', 'Privacy services requested from the network (header, session, user, id, none, critical).'],
  ['P-Asserted-Identity', '', 1, 0, 3325, '9.1', 'Identity of the user asserted by a trusted entity within a trust domain.'],
  ['P-Preferred-Identity', '', 1, 0, 3325, '9.2', 'Identity the user would like a trusted proxy to assert.'],
  ['Reason', '', 1, 0, 3326, '2', 'Why a request was generated (e.g. CANCEL or BYE cause: SIP or Q.850 code).'],
  ['Path', '', 1, 0, 3327, '4', 'Proxies to be visited on requests towards a registered UA (REGISTER path).'],
  ['Security-Client', '', 1, 0, 3329, '2.2', 'Security mechanisms supported by the client (security agreement).'],
  ['Security-Server', '', 1, 0, 3329, '2.2', 'Security mechanisms supported by the server (security agreement).'],
  ['Security-Verify', '', 1, 0, 3329, '2.2', 'Echo of the server security list, protecting against downgrade attacks.'],
  ['Refer-To', 'r', 0, 1, 3515, '2.1', 'URI to be referenced by the recipient of a REFER (call transfer target).'],
  ['Replaces', '', 0, 1, 3891, '6.1', 'Dialog to be replaced by the new INVITE (Call-ID, to-tag, from-tag).'],
  ['Referred-By', 'b', 0, 1, 3892, '3', 'Identity of the referrer, carried from a REFER to the triggered request.'],
  ['SIP-ETag', '', 0, 1, 3903, '11.3.1', 'Entity tag assigned by the event state compositor to published state (2xx to PUBLISH).'],
  ['SIP-If-Match', '', 0, 1, 3903, '11.3.2', 'Entity tag of the published state a PUBLISH refreshes, modifies or removes.'],
  ['Session-Expires', 'x', 0, 1, 4028, '4', 'Session interval for session timers, and which side refreshes (refresher=uac|uas).'],
  ['Min-SE', '', 0, 1, 4028, '5', 'Minimum session interval acceptable (with 422 Session Interval Too Small).'],
  ['Flow-Timer', '', 0, 1, 5626, '11', 'Keep-alive interval recommended by the registrar for SIP Outbound flows.'],
  ['Event', 'o', 0, 1, 6665, '8.2.1', 'Event package of a SUBSCRIBE or NOTIFY (presence, dialog, refer, message-summary...).'],
  ['Allow-Events', 'u', 1, 0, 6665, '8.2.2', 'Event packages supported by the sender.'],
  ['Subscription-State', '', 0, 1, 6665, '8.2.3', 'State of the subscription in a NOTIFY (active, pending, terminated;reason=...).'],
  ['History-Info', '', 1, 0, 7044, '4', 'History of retargeting of the request (diversions, forwarding) with indexes.'],
  ['P-Associated-URI', '', 1, 0, 3455, '4.1', 'Other URIs allocated to the registered user (IMS; now RFC 7315).'],
  ['P-Called-Party-ID', '', 0, 1, 3455, '4.2', 'Request-URI as originally received by the S-CSCF (IMS; now RFC 7315).'],
  ['P-Visited-Network-ID', '', 1, 0, 3455, '4.3', 'Identifier of the visited network (IMS; now RFC 7315).'],
  ['P-Access-Network-Info', '', 1, 0, 3455, '4.4', 'Access network technology and cell id the UA is attached to (IMS; now RFC 7315).'],
  ['P-Charging-Function-Addresses', '', 0, 1, 3455, '4.5', 'Addresses of charging functions (ccf, ecf) (IMS; now RFC 7315).'],
  ['P-Charging-Vector', '', 0, 1, 3455, '4.6', 'Charging correlation information (icid-value) (IMS; now RFC 7315).'],
  ['Identity', 'y', 0, 0, 8224, '4', 'Signed identity assertion (PASSporT) of the originator (STIR).'],
  ['Identity-Info', 'n', 0, 1, 4474, '9', 'URI of the certificate of the identity signer (RFC 4474, obsoleted by RFC 8224).'],
  ['Diversion', '', 1, 0, 5806, '3', 'Historic: where and why the call was diverted (non-standard, documented for interop).'],
  ['Accept-Contact', 'a', 1, 0, 3841, '9.2', 'Caller preferences: feature sets of UAs the request should reach.'],
  ['Reject-Contact', 'j', 1, 0, 3841, '9.2', 'Caller preferences: feature sets of UAs the request must not reach.'],
  ['Request-Disposition', 'd', 1, 0, 3841, '9.1', 'Caller preferences for proxy handling (redirect/proxy, fork, recurse, parallel...).'],
  ['Join', '', 0, 1, 3911, '7.1', 'Dialog the new INVITE should join (conference).'],
  ['Service-Route', '', 1, 0, 3608, '5', 'Route for requests from the registered UA, returned in a REGISTER 2xx.'],
  ['Target-Dialog', '', 0, 1, 4538, '7', 'Dialog the request relates to, for authorization by association.'],
  ['Refer-Sub', '', 0, 1, 4488, '4', 'Whether the REFER creates an implicit subscription (true/false).'],
  ['Answer-Mode', '', 0, 1, 5373, '5', 'Requested answer mode of the UAS (Manual / Auto).'],
  ['Priv-Answer-Mode', '', 0, 1, 5373, '5', 'Privileged answer mode overriding local settings (intercom).'],
  ['P-Media-Authorization', '', 1, 0, 3313, '5.1', 'Media authorization tokens for QoS reservation.'],
  ['Resource-Priority', '', 1, 0, 4412, '3.1', 'Resource priority of the request (namespaces such as ets, wps, dsn).'],
  ['Accept-Resource-Priority', '', 1, 0, 4412, '3.2', 'Resource-priority values the UAS accepts.'],
  ['Max-Breadth', '', 0, 1, 5393, '5.8', 'Limit on the total number of concurrent forked branches.'],
  ['Geolocation', '', 1, 0, 6442, '4.1', 'Location of the target (by-value cid: or by-reference URI).'],
  ['Geolocation-Routing', '', 0, 1, 6442, '4.2', 'Whether location may be used for routing decisions.'],
  ['Geolocation-Error', '', 0, 1, 6442, '4.3', 'Error code and text about a location conveyance failure.'],
  ['Info-Package', '', 0, 1, 6086, '7.2', 'Info Package of an INFO request.'],
  ['Recv-Info', '', 1, 0, 6086, '7.3', 'Info Packages the sender is willing to receive.'],
  ['Feature-Caps', '', 1, 0, 6809, '6', 'Feature capabilities of a proxy or B2BUA.'],
  ['P-Early-Media', '', 1, 0, 5009, '8', 'Authorization of early media by a trusted network entity.'],
  ['P-Served-User', '', 0, 1, 5502, '6', 'User being served by the application server (IMS).'],
  ['P-Asserted-Service', '', 1, 0, 6050, '4.1', 'Service asserted by a trusted entity (IMS communication service id).'],
  ['P-Preferred-Service', '', 1, 0, 6050, '4.2', 'Service the user prefers to use (IMS communication service id).'],
  ['Session-ID', '', 0, 1, 7989, '5', 'End-to-end session identifier (local-uuid;remote=remote-uuid).'],
  ['Suppress-If-Match', '', 0, 1, 5839, '4.2', 'Entity tag: suppress the NOTIFY body if the state is unchanged.'],
  ['Permission-Missing', '', 1, 0, 5360, '5.9.3', 'URIs for which consent (permission) is missing.'],
  ['Trigger-Consent', '', 1, 0, 5360, '5.9.1', 'URIs for which the relay should request consent.'],
  ['Policy-ID', '', 1, 0, 6794, '4.4.2', 'Session policies the UA applied.'],
  ['Policy-Contact', '', 1, 0, 6794, '4.4.1', 'URIs of session policy servers to contact.'],
  ['Content-ID', '', 0, 1, 8262, '2', 'Identifier of the body so that it can be referenced with a cid: URI.'],
  ['Encryption', '', 0, 1, 2543, '6.22', 'Historic (RFC 2543): encryption of the body; removed in RFC 3261.'],
  ['Hide', '', 0, 1, 2543, '6.31', 'Historic (RFC 2543): request to hide the Via path; removed in RFC 3261.'],
  ['Response-Key', '', 0, 1, 2543, '6.36', 'Historic (RFC 2543): key for response encryption; removed in RFC 3261.'],
];

/** Internalise a computed string (V8 interns property keys) so comparisons with literals are pointer compares. */
function intern(text: string): string {
  return Object.keys({ [text]: 0 })[0] as string;
}

function makeDef(r: Row): SipHeaderDef {
  return {
    canonical: intern(r[0].toLowerCase()),
    display: r[0],
    compact: r[1] === '' ? undefined : r[1],
    list: r[2] === 1,
    single: r[3] === 1,
    rfc: r[4],
    section: r[5],
    description: r[6],
  };
}

/** Every known header field definition, in table order. */
export const SIP_HEADERS: readonly SipHeaderDef[] = ROWS.map(makeDef);

/** Map from lower-case full name or compact letter to its definition. */
const BY_NAME = new Map<string, SipHeaderDef>();
for (const d of SIP_HEADERS) {
  BY_NAME.set(d.canonical, d);
  if (d.compact !== undefined) BY_NAME.set(d.compact, d);
}

// Byte lookup: bucket by (length, first letter, last letter) folded to 5 bits each (`& 31` maps 'A' and 'a' alike),
// then compare bytes case-insensitively. One array index and, almost always, one candidate per lookup.
const BUCKETS: (readonly LookupEntry[] | undefined)[] = new Array<readonly LookupEntry[] | undefined>(32 * 32 * 32);

interface LookupEntry {
  /** Lower-case bytes of the name as it must appear (full or compact). */
  readonly lower: Uint8Array;
  readonly def: SipHeaderDef;
}

function bucketKey(len: number, first: number, last: number): number {
  return (((len & 31) << 10) | ((first & 31) << 5) | (last & 31)) >>> 0;
}

function addLookup(name: string, def: SipHeaderDef): void {
  const lower = new Uint8Array(name.length);
  for (let i = 0; i < name.length; i++) lower[i] = name.charCodeAt(i);
  const k = bucketKey(lower.length, lower[0] as number, lower[lower.length - 1] as number);
  const list = BUCKETS[k];
  const entry = { lower, def };
  BUCKETS[k] = list === undefined ? [entry] : [...list, entry];
}

for (const d of SIP_HEADERS) {
  addLookup(d.canonical, d);
  if (d.compact !== undefined) addLookup(d.compact, d);
}

/**
 * Definition of the header whose name is `bytes[start, end)` (full or compact form, any letter case), or undefined
 * for unknown headers. Allocation-free.
 */
export function lookupHeaderBytes(bytes: Uint8Array, start: number, end: number): SipHeaderDef | undefined {
  const len = end - start;
  if (len <= 0) return undefined;
  const list = BUCKETS[bucketKey(len, bytes[start] as number, bytes[end - 1] as number)];
  if (list === undefined) return undefined;
  for (let j = 0; j < list.length; j++) {
    const e = list[j] as LookupEntry;
    const lower = e.lower;
    if (lower.length !== len) continue;
    let i = 0;
    while (i < len && LOWER[bytes[start + i] as number] === lower[i]) i++;
    if (i === len) return e.def;
  }
  return undefined;
}

/** Definition for a header name string (full or compact, any case), or undefined for unknown headers. */
export function lookupHeader(name: string): SipHeaderDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

const canonicalCache = new Map<string, string>();

/**
 * Canonical lower-case full name for a header name string: compact forms expanded (`v` -> `via`), other names
 * lower-cased (`X-Foo` -> `x-foo`). Leading/trailing whitespace is ignored. Results are cached per input string.
 */
export function canonicalHeaderName(name: string): string {
  let c = canonicalCache.get(name);
  if (c !== undefined) return c;
  const lower = name.trim().toLowerCase();
  c = BY_NAME.get(lower)?.canonical ?? lower;
  if (canonicalCache.size < 4096) canonicalCache.set(name, c);
  return c;
}
