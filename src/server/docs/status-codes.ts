// Hover/completion table of SIP response status codes: RFC 3261 §21 plus common extensions (IANA "Response Codes"
// registry). Sections are given where the RFC has one per code; other entries link to the whole RFC.

export interface StatusCodeDoc {
  readonly code: number;
  readonly reason: string;
  readonly rfc: number;
  /** RFC section defining the code, when the RFC has one per code. */
  readonly section?: string;
  readonly description: string;
}

type Row = [code: number, reason: string, rfc: number, section: string, description: string];

// prettier-ignore
const ROWS: readonly Row[] = [
  [100, 'Trying', 3261, '21.1.1', 'The next hop received the request and is working on it; stops INVITE retransmissions (hop-by-hop, never forwarded).'],
  [180, 'Ringing', 3261, '21.1.2', 'The callee is being alerted; the caller may play local ringback.'],
  [181, 'Call Is Being Forwarded', 3261, '21.1.3', 'The call is being forwarded to another destination.'],
  [182, 'Queued', 3261, '21.1.4', 'The callee is temporarily unavailable and the call is queued.'],
  [183, 'Session Progress', 3261, '21.1.5', 'Progress information, usually with early media (SDP answer for announcements or ringback).'],
  [199, 'Early Dialog Terminated', 6228, '', 'An early dialog created by a forked INVITE has been terminated before the final response.'],
  [200, 'OK', 3261, '21.2.1', 'The request succeeded. To INVITE: the call is answered and must be acknowledged with ACK.'],
  [202, 'Accepted', 3265, '', 'Request accepted for processing (REFER, SUBSCRIBE). Deprecated for SUBSCRIBE/NOTIFY by RFC 6665.'],
  [204, 'No Notification', 5839, '', 'The subscription succeeded, but the NOTIFY body is suppressed because the state did not change.'],
  [300, 'Multiple Choices', 3261, '21.3.1', 'The address resolved to several locations, listed in Contact.'],
  [301, 'Moved Permanently', 3261, '21.3.2', 'The user is no longer at the Request-URI; retry at the Contact address and update records.'],
  [302, 'Moved Temporarily', 3261, '21.3.3', 'Retry the request at the Contact address(es) (call forwarding by redirect).'],
  [305, 'Use Proxy', 3261, '21.3.4', 'The resource must be reached through the proxy in Contact.'],
  [380, 'Alternative Service', 3261, '21.3.5', 'The call failed but alternative services are described in the body.'],
  [400, 'Bad Request', 3261, '21.4.1', 'Malformed syntax; the reason phrase should say what was wrong.'],
  [401, 'Unauthorized', 3261, '21.4.2', 'Authentication required by a UAS or registrar; retry with Authorization answering WWW-Authenticate.'],
  [402, 'Payment Required', 3261, '21.4.3', 'Reserved for future use.'],
  [403, 'Forbidden', 3261, '21.4.4', 'Understood but refused; authorization will not help.'],
  [404, 'Not Found', 3261, '21.4.5', 'The user does not exist in the domain of the Request-URI.'],
  [405, 'Method Not Allowed', 3261, '21.4.6', 'The method is not allowed for this address; Allow lists the accepted ones.'],
  [406, 'Not Acceptable', 3261, '21.4.7', 'Only responses with content not acceptable per the Accept header could be generated.'],
  [407, 'Proxy Authentication Required', 3261, '21.4.8', 'A proxy requires authentication; retry with Proxy-Authorization answering Proxy-Authenticate.'],
  [408, 'Request Timeout', 3261, '21.4.9', 'No final response in time (e.g. the callee did not answer, or no response to a forwarded request).'],
  [410, 'Gone', 3261, '21.4.10', 'The user existed but is no longer available here, and no forwarding address is known.'],
  [412, 'Conditional Request Failed', 3903, '', 'The PUBLISH precondition (SIP-If-Match entity tag) did not match the current state.'],
  [413, 'Request Entity Too Large', 3261, '21.4.11', 'The body is larger than the server is willing to process.'],
  [414, 'Request-URI Too Long', 3261, '21.4.12', 'The Request-URI is longer than the server is willing to interpret.'],
  [415, 'Unsupported Media Type', 3261, '21.4.13', 'The body format, encoding or language is not supported; see Accept / Accept-Encoding / Accept-Language.'],
  [416, 'Unsupported URI Scheme', 3261, '21.4.14', 'The scheme of the Request-URI is unknown to the server.'],
  [417, 'Unknown Resource-Priority', 4412, '', 'The Resource-Priority namespace or value is not understood.'],
  [420, 'Bad Extension', 3261, '21.4.15', 'An option tag in Proxy-Require or Require is not supported; listed in Unsupported.'],
  [421, 'Extension Required', 3261, '21.4.16', 'The UAS needs an extension the request did not list in Supported; see Require.'],
  [422, 'Session Interval Too Small', 4028, '6', 'Session-Expires is below the minimum; Min-SE says the minimum accepted.'],
  [423, 'Interval Too Brief', 3261, '21.4.17', 'The requested expiration (REGISTER/SUBSCRIBE) is too short; Min-Expires gives the minimum.'],
  [424, 'Bad Location Information', 6442, '', 'The location information in the request was malformed or unsatisfactory.'],
  [425, 'Bad Alert Message', 8876, '', 'The Alert-Info / alert message content was malformed or not acceptable.'],
  [428, 'Use Identity Header', 8224, '', 'The request must carry an Identity header (STIR).'],
  [429, 'Provide Referrer Identity', 3892, '', 'The REFER must carry a valid Referred-By token.'],
  [430, 'Flow Failed', 5626, '', 'A SIP Outbound flow to the UA failed (sent to the edge proxy, which tries another flow).'],
  [433, 'Anonymity Disallowed', 5079, '', 'The callee rejects anonymous calls.'],
  [436, 'Bad Identity Info', 8224, '', 'The Identity header info parameter (certificate URI) could not be dereferenced or is unsupported.'],
  [437, 'Unsupported Credential', 8224, '', 'The certificate used to sign the identity could not be validated.'],
  [438, 'Invalid Identity Header', 8224, '', 'The Identity signature did not verify.'],
  [439, 'First Hop Lacks Outbound Support', 5626, '', 'The registrar supports SIP Outbound but the first-hop proxy does not.'],
  [440, 'Max-Breadth Exceeded', 5393, '', 'Forking would exceed the Max-Breadth limit on concurrent branches.'],
  [469, 'Bad Info Package', 6086, '', 'The INFO request used an Info Package the receiver did not agree to receive (Recv-Info).'],
  [470, 'Consent Needed', 5360, '', 'The relay needs the recipient\'s consent; Permission-Missing lists the URIs.'],
  [480, 'Temporarily Unavailable', 3261, '21.4.18', 'The callee is known but currently unreachable (not registered, do-not-disturb); Retry-After may say when.'],
  [481, 'Call/Transaction Does Not Exist', 3261, '21.4.19', 'The request (BYE, CANCEL, re-INVITE, NOTIFY...) matches no dialog or transaction; often a NAT/routing problem.'],
  [482, 'Loop Detected', 3261, '21.4.20', 'The request looped back to this server (same Via branch seen).'],
  [483, 'Too Many Hops', 3261, '21.4.21', 'Max-Forwards reached 0.'],
  [484, 'Address Incomplete', 3261, '21.4.22', 'The Request-URI is incomplete (overlap dialing); more digits are needed.'],
  [485, 'Ambiguous', 3261, '21.4.23', 'The Request-URI is ambiguous; Contact may list candidates.'],
  [486, 'Busy Here', 3261, '21.4.24', 'The callee is busy at this end system; another location may still be tried.'],
  [487, 'Request Terminated', 3261, '21.4.25', 'The request was terminated by BYE or CANCEL (the answer to a cancelled INVITE).'],
  [488, 'Not Acceptable Here', 3261, '21.4.26', 'The session description (codecs, media, transport) is not acceptable at this endpoint; Warning says why.'],
  [489, 'Bad Event', 6665, '', 'The event package in SUBSCRIBE/NOTIFY/PUBLISH is not understood.'],
  [491, 'Request Pending', 3261, '21.4.27', 'A re-INVITE (or UPDATE) crossed another pending one in the same dialog (glare); retry after a random delay.'],
  [493, 'Undecipherable', 3261, '21.4.28', 'The S/MIME body could not be decrypted.'],
  [494, 'Security Agreement Required', 3329, '', 'A security mechanism must be negotiated first (Security-Server lists the options).'],
  [500, 'Server Internal Error', 3261, '21.5.1', 'An unexpected condition prevented the server from fulfilling the request; Retry-After may be given.'],
  [501, 'Not Implemented', 3261, '21.5.2', 'The server does not support the method at all.'],
  [502, 'Bad Gateway', 3261, '21.5.3', 'A gateway or proxy got an invalid response from the next hop.'],
  [503, 'Service Unavailable', 3261, '21.5.4', 'Temporarily overloaded or in maintenance; Retry-After may say when. Proxies try another server.'],
  [504, 'Server Time-out', 3261, '21.5.5', 'No timely response from an external server (e.g. a location server) while trying to process the request.'],
  [505, 'Version Not Supported', 3261, '21.5.6', 'The SIP protocol version of the request is not supported.'],
  [513, 'Message Too Large', 3261, '21.5.7', 'The message is longer than the server is able to process.'],
  [555, 'Push Notification Service Not Supported', 8599, '', 'The push notification service requested in the Contact/URI parameters is not supported.'],
  [580, 'Precondition Failure', 3312, '', 'The QoS/security preconditions of the session could not be met.'],
  [600, 'Busy Everywhere', 3261, '21.6.1', 'The callee is busy and no other location will answer.'],
  [603, 'Decline', 3261, '21.6.2', 'The callee explicitly declined the call everywhere.'],
  [604, 'Does Not Exist Anywhere', 3261, '21.6.3', 'The user in the Request-URI does not exist anywhere.'],
  [606, 'Not Acceptable', 3261, '21.6.4', 'Some aspect of the session description is not acceptable anywhere.'],
  [607, 'Unwanted', 8197, '', 'The called party did not want this call (spam/robocall feedback).'],
  [608, 'Rejected', 8688, '', 'An intermediary (call analytics, not the callee) rejected the call.'],
];

export const STATUS_CODES: readonly StatusCodeDoc[] = ROWS.map(([code, reason, rfc, section, description]) =>
  section === '' ? { code, reason, rfc, description } : { code, reason, rfc, section, description },
);

const BY_CODE = new Map(STATUS_CODES.map((d) => [d.code, d]));

/** The documented status code, or undefined for codes not in the table. */
export function statusCodeDoc(code: number): StatusCodeDoc | undefined {
  return BY_CODE.get(code);
}

/** Status classes (RFC 3261 §7.2, §21). */
export const STATUS_CLASSES: Readonly<Record<number, { name: string; section: string; meaning: string }>> = {
  1: { name: 'Provisional', section: '21.1', meaning: 'request received, continuing to process the request' },
  2: { name: 'Success', section: '21.2', meaning: 'the action was successfully received, understood, and accepted' },
  3: { name: 'Redirection', section: '21.3', meaning: 'further action needs to be taken in order to complete the request' },
  4: { name: 'Client Error', section: '21.4', meaning: 'the request contains bad syntax or cannot be fulfilled at this server' },
  5: { name: 'Server Error', section: '21.5', meaning: 'the server failed to fulfill an apparently valid request' },
  6: { name: 'Global Failure', section: '21.6', meaning: 'the request cannot be fulfilled at any server' },
};
