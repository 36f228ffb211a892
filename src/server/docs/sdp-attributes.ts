// Hover/completion tables for SDP: line types (RFC 8866 §5) and attributes (RFC 8866 §6 and the RFCs that define
// the attributes met in VoIP and WebRTC offers). Sections are given where the RFC has one per attribute.

export interface SdpLineTypeDoc {
  /** One-letter type before `=`. */
  readonly type: string;
  readonly name: string;
  /** Field syntax, for hover and completion detail. */
  readonly syntax: string;
  readonly section: string;
  readonly description: string;
}

// prettier-ignore
export const SDP_LINE_TYPES: readonly SdpLineTypeDoc[] = [
  { type: 'v', name: 'Protocol Version', syntax: 'v=0', section: '5.1', description: 'SDP version; always 0. Must be the first line.' },
  { type: 'o', name: 'Origin', syntax: 'o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>', section: '5.2', description: 'Originator and session identifier; sess-version must increase when a new offer changes the session.' },
  { type: 's', name: 'Session Name', syntax: 's=<session name>', section: '5.3', description: 'Textual session name; one per description (a single space or `-` when unused).' },
  { type: 'i', name: 'Session Information', syntax: 'i=<session description>', section: '5.4', description: 'Free-text information about the session or a media stream.' },
  { type: 'u', name: 'URI', syntax: 'u=<uri>', section: '5.5', description: 'Pointer to additional information about the session.' },
  { type: 'e', name: 'Email Address', syntax: 'e=<email-address>', section: '5.6', description: 'Contact email for the session.' },
  { type: 'p', name: 'Phone Number', syntax: 'p=<phone-number>', section: '5.6', description: 'Contact phone number for the session.' },
  { type: 'c', name: 'Connection Information', syntax: 'c=<nettype> <addrtype> <connection-address>', section: '5.7', description: 'Address media is sent to (session level, or per m= section). A private address here breaks media across NAT.' },
  { type: 'b', name: 'Bandwidth Information', syntax: 'b=<bwtype>:<bandwidth>', section: '5.8', description: 'Proposed bandwidth (kbit/s for CT/AS; bit/s for TIAS, RFC 3890).' },
  { type: 't', name: 'Time Active', syntax: 't=<start-time> <stop-time>', section: '5.9', description: 'Start and stop times (NTP seconds); `t=0 0` = unbounded, as in every SIP offer.' },
  { type: 'r', name: 'Repeat Times', syntax: 'r=<repeat interval> <active duration> <offsets from start-time>', section: '5.10', description: 'Repeat times for a scheduled session.' },
  { type: 'z', name: 'Time Zone Adjustment', syntax: 'z=<adjustment time> <offset> ...', section: '5.11', description: 'Time zone adjustments for repeated sessions.' },
  { type: 'k', name: 'Encryption Key (obsolete)', syntax: 'k=<method>[:<encryption key>]', section: '5.12', description: 'Obsolete; must not be used. SRTP keys go in a=crypto (RFC 4568) or come from DTLS (RFC 5763).' },
  { type: 'a', name: 'Attribute', syntax: 'a=<attribute-name>[:<attribute-value>]', section: '5.13', description: 'Session- or media-level attribute.' },
  { type: 'm', name: 'Media Description', syntax: 'm=<media> <port>[/<number of ports>] <proto> <fmt> ...', section: '5.14', description: 'Starts a media section: media type, transport port, protocol (RTP/AVP, RTP/SAVP, UDP/TLS/RTP/SAVPF...) and payload formats. Port 0 rejects/disables the stream.' },
];

export interface SdpAttributeDoc {
  readonly name: string;
  /** Value syntax (empty for property attributes such as `sendrecv`). */
  readonly syntax: string;
  readonly rfc: number;
  readonly section?: string;
  readonly description: string;
}

type Row = [name: string, syntax: string, rfc: number, section: string, description: string];

// prettier-ignore
const ROWS: readonly Row[] = [
  // RFC 8866 §6
  ['cat', '<category>', 8866, '6.1', 'Dot-separated hierarchical category of the session.'],
  ['keywds', '<keywords>', 8866, '6.2', 'Keywords describing the session.'],
  ['tool', '<name and version of tool>', 8866, '6.3', 'Tool used to create the session description.'],
  ['ptime', '<packet time>', 8866, '6.4', 'Milliseconds of media per RTP packet (e.g. 20).'],
  ['maxptime', '<maximum packet time>', 8866, '6.5', 'Maximum milliseconds of media per packet the receiver accepts.'],
  ['rtpmap', '<payload type> <encoding name>/<clock rate>[/<encoding parameters>]', 8866, '6.6', 'Maps an RTP payload type to a codec, clock rate and channels (required for dynamic types 96-127).'],
  ['recvonly', '', 8866, '6.7.1', 'Media direction: only receive media.'],
  ['sendrecv', '', 8866, '6.7.2', 'Media direction: send and receive (the default).'],
  ['sendonly', '', 8866, '6.7.3', 'Media direction: only send (e.g. putting the other side on hold).'],
  ['inactive', '', 8866, '6.7.4', 'Media direction: neither send nor receive (hold with no music).'],
  ['orient', '<orientation>', 8866, '6.8', 'Whiteboard/presentation orientation (portrait, landscape, seascape).'],
  ['type', '<conference type>', 8866, '6.9', 'Conference type (broadcast, meeting, moderated, test, H332).'],
  ['charset', '<character set>', 8866, '6.10', 'Character set of the session name and information.'],
  ['sdplang', '<language tag>', 8866, '6.11', 'Language of the session description.'],
  ['lang', '<language tag>', 8866, '6.12', 'Language of the session or media.'],
  ['framerate', '<frame rate>', 8866, '6.13', 'Maximum video frame rate (frames per second).'],
  ['quality', '<quality>', 8866, '6.14', 'Suggested encoding quality (0-10).'],
  ['fmtp', '<format> <format specific parameters>', 8866, '6.15', 'Codec-specific parameters of a payload format (e.g. telephone-event 0-16, H.264 profile-level-id).'],
  // RTP/RTCP
  ['rtcp', '<port> [<nettype> <addrtype> <connection-address>]', 3605, '2.1', 'RTCP port (and address) when it is not RTP port + 1. A private address here breaks RTCP across NAT.'],
  ['rtcp-mux', '', 5761, '5.1.1', 'RTP and RTCP share one port.'],
  ['rtcp-rsize', '', 5506, '', 'Reduced-size RTCP packets are supported.'],
  ['rtcp-fb', '<payload type> <feedback type> [<parameters>]', 4585, '4.2', 'RTCP feedback messages supported (nack, pli, ccm fir, goog-remb, transport-cc).'],
  ['rtcp-xr', '[<xr formats>]', 3611, '', 'RTCP Extended Reports blocks supported (VoIP metrics, receiver reference time...).'],
  ['extmap', '<id>[/<direction>] <extension URI> [<attributes>]', 8285, '', 'RTP header extension and the local id it uses.'],
  ['ssrc', '<ssrc-id> <attribute>[:<value>]', 5576, '4.1', 'Attribute of one RTP synchronisation source (cname, msid...).'],
  ['ssrc-group', '<semantics> <ssrc-id> ...', 5576, '4.2', 'Relationship between SSRCs (FID for RTX, SIM for simulcast).'],
  ['msid', '<stream id> [<track id>]', 8830, '', 'WebRTC MediaStream and track the m= section belongs to.'],
  ['mid', '<identification-tag>', 5888, '4', 'Identification tag of the m= section (used by a=group and BUNDLE).'],
  ['group', '<semantics> <identification-tag> ...', 5888, '5', 'Groups m= sections (BUNDLE, LS lip sync, FID).'],
  ['bundle-only', '', 9143, '', 'The m= section is only usable inside a BUNDLE group.'],
  ['silenceSupp', '<silenceSuppEnable> <silenceTimer> <suppPref> <sidUse> <fxnslevel>', 3108, '', 'Silence suppression (VAD) settings.'],
  ['label', '<label>', 4574, '', 'Label of the media stream, referenced by other protocols.'],
  ['content', '<content value>', 4796, '', 'Content of the media stream (slides, speaker, sl, main, alt).'],
  // ICE
  ['candidate', '<foundation> <component-id> <transport> <priority> <address> <port> typ <host|srflx|prflx|relay> [raddr <addr> rport <port>]', 8839, '5.1', 'ICE candidate transport address. host candidates with private addresses are expected; srflx/relay carry the public ones.'],
  ['remote-candidates', '<component-id> <address> <port> ...', 8839, '5.2', 'Remote candidates selected by the controlling agent.'],
  ['ice-lite', '', 8839, '5.3', 'The agent implements ICE lite (gateways, servers with public addresses).'],
  ['ice-ufrag', '<ufrag>', 8839, '5.4', 'ICE username fragment (STUN connectivity-check credential).'],
  ['ice-pwd', '<password>', 8839, '5.4', 'ICE password (STUN connectivity-check credential).'],
  ['ice-options', '<ice-option-tag> ...', 8839, '5.6', 'ICE options supported (trickle, ice2, renomination).'],
  ['ice-mismatch', '', 8839, '', 'The answerer saw a default candidate that did not match c=/m= (an ALG or SBC rewrote the SDP).'],
  ['end-of-candidates', '', 8840, '', 'No more trickled ICE candidates will follow.'],
  // Security
  ['crypto', '<tag> <crypto-suite> inline:<key||salt>[|lifetime][|MKI:length] [<session params>]', 4568, '', 'SDES-SRTP key parameters (only safe over TLS signalling).'],
  ['fingerprint', '<hash-function> <fingerprint>', 8122, '5', 'Certificate fingerprint for DTLS-SRTP (RFC 5763).'],
  ['setup', 'active|passive|actpass|holdconn', 4145, '4', 'Which side initiates the TCP/DTLS connection.'],
  ['connection', 'new|existing', 4145, '5', 'Whether a new TCP/DTLS connection is needed.'],
  ['tls-id', '<id>', 8842, '', 'Identifier of the DTLS association (changes force a new handshake).'],
  // SCTP / data channels / T.38
  ['sctp-port', '<port>', 8841, '', 'SCTP port of the data channel association (WebRTC).'],
  ['max-message-size', '<size>', 8841, '', 'Largest SCTP message the endpoint can receive.'],
  ['T38FaxVersion', '<version>', 3362, '', 'T.38 fax version (ITU-T T.38 Annex D SDP attributes, registered by RFC 3362).'],
  ['T38MaxBitRate', '<bit/s>', 3362, '', 'T.38 maximum fax bit rate.'],
  ['T38FaxRateManagement', 'localTCF|transferredTCF', 3362, '', 'T.38 training check method.'],
  ['T38FaxUdpEC', 't38UDPRedundancy|t38UDPFEC', 3362, '', 'T.38 UDP error correction scheme.'],
  // Preconditions
  ['curr', '<precondition-type> <status-type> <direction-tag>', 3312, '', 'Current status of a QoS precondition.'],
  ['des', '<precondition-type> <strength-tag> <status-type> <direction-tag>', 3312, '', 'Desired status of a QoS precondition.'],
  ['conf', '<precondition-type> <status-type> <direction-tag>', 3312, '', 'Status of a precondition the answerer wants to be confirmed.'],
  // Misc
  ['direction', 'active|passive|both', 4145, '', 'Historic COMEDIA direction attribute (superseded by a=setup).'],
  ['record', 'on|off|paused', 7866, '', 'Recording state of the media stream (SIPREC).'],
];

export const SDP_ATTRIBUTES: readonly SdpAttributeDoc[] = ROWS.map(([name, syntax, rfc, section, description]) =>
  section === '' ? { name, syntax, rfc, description } : { name, syntax, rfc, section, description },
);

const ATTR_BY_NAME = new Map(SDP_ATTRIBUTES.map((d) => [d.name.toLowerCase(), d]));
const LINE_BY_TYPE = new Map(SDP_LINE_TYPES.map((d) => [d.type, d]));

/** Attribute documentation by name (case-insensitive). */
export function sdpAttributeDoc(name: string): SdpAttributeDoc | undefined {
  return ATTR_BY_NAME.get(name.toLowerCase());
}

/** Line type documentation by its letter. */
export function sdpLineTypeDoc(type: string): SdpLineTypeDoc | undefined {
  return LINE_BY_TYPE.get(type);
}
