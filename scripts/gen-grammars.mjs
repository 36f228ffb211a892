// Generates syntaxes/sip.tmLanguage.json and syntaxes/sdp.tmLanguage.json from shared regex fragments (one source for
// the start-line and trace-prefix patterns that the grammars repeat). Usage: node scripts/gen-grammars.mjs [OUTDIR]
import fs from 'node:fs';

const OUT = process.argv[2] ?? new URL('../syntaxes', import.meta.url).pathname;
const R = String.raw;
const BT = '`';

// ---------------------------------------------------------------- shared fragments
const KNOWN_METHODS = 'INVITE|ACK|BYE|CANCEL|REGISTER|OPTIONS|PRACK|SUBSCRIBE|NOTIFY|PUBLISH|INFO|REFER|MESSAGE|UPDATE';
const TOKEN_CHAR = R`[A-Za-z0-9\-.!%*_+${BT}'~]`;
const NOT_TOKEN_CHAR_BEHIND = R`(?<![A-Za-z0-9\-.!%*_+${BT}'~])`;
const NOT_TOKEN_CHAR_AHEAD = R`(?![A-Za-z0-9\-.!%*_+${BT}'~])`;
const TOKEN = `${TOKEN_CHAR}+`;
const IPV4 = R`(?<![\w.\-])\d{1,3}(?:\.\d{1,3}){3}(?![\w\-]|\.\w)`;
const H16 = '[0-9A-Fa-f]{1,4}';
const IPV4_BARE = R`\d{1,3}(?:\.\d{1,3}){3}`;
// Unbracketed IPv6 (RFC 4291 §2.2): the full 8-group form, or a form with "::". Requiring one of the two
// keeps clock times like 12:00:00 out.
const IPV6 = R`(?<![\w:.])(?:(?:${H16}:){7}${H16}|(?:${H16}:){6}${IPV4_BARE}|(?:${H16}(?::${H16}){0,6})?::(?:(?:${H16}:){0,5}${IPV4_BARE}|${H16}(?::${H16}){0,6})?)(?:%[\w.~\-]+)?(?![\w:])`;
const HOSTNAME = R`[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.?`;

const TS_SLASH = R`\d{4}/\d{2}/\d{2}[ \t]+\d{2}:\d{2}:\d{2}(?:[.,]\d+)?`;
const TS_ISO = R`\d{4}-\d{2}-\d{2}(?:T|[ \t]+)\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?`;
const TS_SYSLOG = R`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[ \t]+\d{1,2}[ \t]+\d{2}:\d{2}:\d{2}(?:[.,]\d+)?`;
const TS_TIME = R`\d{2}:\d{2}:\d{2}[.,]\d+`;

// Line starts that belong to capture tools / logs, not to a SIP message. Each one, seen at the start of a
// line inside a message, ends that message (and its SDP body).
const LOG = {
  ngrep: R`[UTI][ \t]+(?:${TS_SLASH}[ \t]+)?\S+[:.]\d+[ \t]+->[ \t]+\S+[:.]\d+`,
  hash: R`#+[ \t]*$`,
  sngrep: R`${TS_SLASH}[ \t]+\S+[ \t]+->[ \t]+\S+`,
  tcpdump: R`(?:\d{4}-\d{2}-\d{2}[ \t]+)?${TS_TIME}[ \t]+(?:\S+[ \t]+(?:In|Out)[ \t]+)?(?:IP6?|ARP)\b`,
  syslog: R`(?:${TS_SYSLOG}|${TS_ISO})[ \t]+\S+[ \t]+[\w.\-/]+(?:\[\d+\])?:`,
  timestamped: R`\[?(?:${TS_SLASH}|${TS_ISO}|${TS_SYSLOG})\]?[ \t]`,
  asteriskBanner: R`[ \t]*<-{3,}`,
  asteriskTail: R`[ \t]*-{3,}>[ \t]*$`,
  freeswitch: R`[ \t]*(?:\d+->[ \t]*)?(?:recv|send|sent)[ \t]+\d+[ \t]+bytes[ \t]+(?:from|to)[ \t]`,
  dashes: R`[ \t]*-{20,}[ \t]*$`,
  kamailio: R`[ \t]*\d+\(\d+\)[ \t]+[A-Z]+:`,
  tcpdumpBanner: R`(?:tcpdump:[ \t]|listening on[ \t]|reading from file[ \t]|\d+ packets? (?:captured|received by filter|dropped by kernel)\b)`,
};
const LOG_LOOK = Object.values(LOG).join('|');

// tcpdump -A prints the IP header bytes in front of the payload on the first payload line: an IPv4 header
// starts with 0x45 ("E"), an IPv6 one with 0x6X ("`"). Only a known method / SIP-Version may follow it.
const JUNK_REQ = R`(?:[E${BT}]\S*?(?=(?:${KNOWN_METHODS})[ \t]))`;
const JUNK_RES = R`(?:[E${BT}]\S*?(?=SIP/\d))`;
// ngrep -W byline shows the CR of CRLF as a trailing "."
const REQ_LOOK = R`${JUNK_REQ}?${TOKEN}[ \t]+\S(?:.*?\S)?[ \t]+SIP/\d+\.\d+\.?[ \t]*$`;
const RES_LOOK = R`${JUNK_RES}?SIP/\d+\.\d+[ \t]+\d{3}(?!\w)`;
const START_LOOK = R`[ \t]*(?:${REQ_LOOK}|${RES_LOOK})`;
const END_OF_MESSAGE = R`^(?=${START_LOOK}|${LOG_LOOK})`;
const BLANK_LOOK = R`^(?=[ \t]*\.?[ \t]*$)`;

// ---------------------------------------------------------------- SIP grammar
const ESCAPES = [{ match: R`%[0-9A-Fa-f]{2}`, name: 'constant.character.escape.percent.sip' }];
const QUOTED_INNER = [{ match: R`\\.`, name: 'constant.character.escape.sip' }];
const HOST_PATTERNS = [
  { include: '#ipv6-reference' },
  { include: '#ipv4' },
  { match: '.+', name: 'entity.name.host.sip' },
];
const ADDRESS_PATTERNS = [
  { include: '#ipv6-reference' },
  { include: '#ipv4' },
  { include: '#ipv6' },
  { match: R`[^\s\[\]]+`, name: 'entity.name.host.sip' },
];
const PARAM_VALUE_END = R`[^\s;,>?&"]`;
const PUNCT_PARAM = { name: 'punctuation.separator.parameter.sip' };
const PARAM_NAME = { name: 'entity.other.attribute-name.parameter.sip' };
const ASSIGN = { name: 'keyword.operator.assignment.sip' };

function header(family, names, valueInclude) {
  return {
    name: `meta.header.${family}.sip`,
    // The field ends at the first line that is not indented deeper than the field name (RFC 3261 §7.3.1
    // folding), at the empty line, or where a new message / log line starts. Remembering the name's
    // indentation in \1 lets the same rule work for raw messages and for traces that indent every line.
    begin: R`^([ \t]*)(?i:(${names}))[ \t]*(:)`,
    end: R`^(?!\1[ \t])|${BLANK_LOOK}|${END_OF_MESSAGE}`,
    beginCaptures: {
      2: { name: 'entity.name.tag.header.sip' },
      3: { name: 'punctuation.separator.key-value.sip' },
    },
    patterns: [
      {
        name: 'meta.header.continuation.sip',
        begin: R`^([ \t]+)(?=\S)`,
        end: '$',
        beginCaptures: { 1: { name: 'punctuation.whitespace.folding.sip' } },
        patterns: [{ include: valueInclude }],
      },
      { include: valueInclude },
    ],
  };
}

const HEADER_FAMILIES = [
  ['via', 'Via|v', '#via-value'],
  ['address', [
    'From', 'f', 'To', 't', 'Contact', 'm', 'Route', 'Record-Route', 'Reply-To', 'Refer-To', 'r', 'Referred-By', 'b',
    'P-Asserted-Identity', 'P-Preferred-Identity', 'P-Called-Party-ID', 'P-Associated-URI', 'Remote-Party-ID',
    'Diversion', 'History-Info', 'Path', 'Service-Route', 'Alert-Info', 'Call-Info', 'Error-Info',
  ].join('|'), '#address-value'],
  ['call-id', 'Call-ID|i|In-Reply-To', '#call-id-value'],
  ['cseq', 'CSeq|RAck', '#cseq-value'],
  ['numeric', 'Content-Length|l|Max-Forwards|Expires|Min-Expires|Min-SE|Session-Expires|x|RSeq|Retry-After', '#numeric-value'],
  ['content-type', 'Content-Type|c|Accept', '#content-type-value'],
  ['authorization', 'Authorization|Proxy-Authorization|WWW-Authenticate|Proxy-Authenticate|Authentication-Info', '#authorization-value'],
  ['text', 'Subject|s|User-Agent|Server|Organization', '#text-value'],
  ['token-list', [
    'Allow', 'Supported', 'k', 'Require', 'Proxy-Require', 'Unsupported', 'Allow-Events', 'u', 'Content-Encoding', 'e',
    'Accept-Encoding', 'Accept-Language', 'Content-Language',
  ].join('|'), '#token-list-value'],
  ['other', TOKEN, '#generic-value'],
];

const sipRepository = {
  // ------------------------------------------------------------ messages
  'request-message': {
    name: 'meta.message.request.sip',
    begin: R`^([ \t]*)((${JUNK_REQ})?(?:(${KNOWN_METHODS})(?=[ \t])|(${TOKEN}))[ \t]+(\S(?:.*?\S)?)[ \t]+((SIP)(/)(\d+\.\d+))(\.?)[ \t]*)$`,
    end: END_OF_MESSAGE,
    beginCaptures: {
      2: { name: 'meta.start-line.request.sip' },
      3: { name: 'comment.line.log-prefix.sip meta.log-prefix.packet-bytes.sip' },
      4: { name: 'keyword.control.method.sip' },
      5: { name: 'keyword.other.method.sip' },
      6: { name: 'meta.request-uri.sip', patterns: [{ include: '#request-uri' }] },
      7: { name: 'constant.language.sip-version.sip' },
      9: { name: 'punctuation.separator.version.sip' },
    },
    patterns: [{ include: '#message-contents' }],
  },
  'response-message': {
    name: 'meta.message.response.sip',
    begin: R`^([ \t]*)((${JUNK_RES})?((SIP)(/)(\d+\.\d+))[ \t]+(?:(1\d\d)|(2\d\d)|(3\d\d)|(4\d\d)|(5\d\d)|(6\d\d)|(\d{3}))(?!\w)(?:[ \t]+(.*?))?[ \t]*)$`,
    end: END_OF_MESSAGE,
    beginCaptures: {
      2: { name: 'meta.start-line.response.sip' },
      3: { name: 'comment.line.log-prefix.sip meta.log-prefix.packet-bytes.sip' },
      4: { name: 'constant.language.sip-version.sip' },
      6: { name: 'punctuation.separator.version.sip' },
      8: { name: 'constant.numeric.status.provisional.sip' },
      9: { name: 'constant.numeric.status.success.sip' },
      10: { name: 'constant.numeric.status.redirect.sip' },
      11: { name: 'constant.numeric.status.client-error.sip' },
      12: { name: 'constant.numeric.status.server-error.sip' },
      13: { name: 'constant.numeric.status.global-failure.sip' },
      14: { name: 'constant.numeric.status.extension.sip' },
      15: { name: 'string.unquoted.reason-phrase.sip' },
    },
    patterns: [{ include: '#message-contents' }],
  },
  'message-contents': {
    patterns: [{ include: '#header-fields' }, { include: '#body' }],
  },
  'header-fields': {
    patterns: HEADER_FAMILIES.map(([family]) => ({ include: `#header-${family}` })),
  },
  ...Object.fromEntries(HEADER_FAMILIES.map(([family, names, inc]) => [`header-${family}`, header(family, names, inc)])),
  body: {
    // Starts at the empty line that ends the header section (RFC 3261 §7). A TextMate rule cannot look at
    // the next line, so the SDP decision is taken one line later: #sdp-body begins at the first "v=" line.
    name: 'meta.body.sip',
    begin: R`^[ \t]*\.?[ \t]*$`,
    end: END_OF_MESSAGE,
    patterns: [{ include: '#sdp-body' }, { include: '#multipart-boundary' }, { include: '#header-fields' }],
  },
  'sdp-body': {
    begin: R`^(?=[ \t]*v=\d)`,
    end: R`${END_OF_MESSAGE}|^(?=[ \t]*--)`,
    contentName: 'meta.embedded.block.sdp source.sdp',
    patterns: [{ include: 'source.sdp' }],
  },
  'multipart-boundary': {
    match: R`^[ \t]*(--)(\S+?)(--)?\.?[ \t]*$`,
    name: 'meta.multipart-boundary.sip',
    captures: {
      1: { name: 'punctuation.definition.boundary.sip' },
      2: { name: 'entity.name.section.boundary.sip' },
      3: { name: 'punctuation.definition.boundary.sip' },
    },
  },

  // ------------------------------------------------------------ header values
  'via-value': {
    patterns: [
      { include: '#via-sent-protocol' },
      { include: '#parameters' },
      { include: '#ipv6-reference' },
      { include: '#ipv4' },
      { include: '#comma' },
    ],
  },
  'via-sent-protocol': {
    // RFC 3261 §20.42: sent-protocol LWS sent-by
    match: R`((?i:SIP)[ \t]*(/)[ \t]*\d+\.\d+)[ \t]*(/)[ \t]*(${TOKEN})(?:[ \t]+(\[[0-9A-Fa-f:.]+(?:%[\w.~\-]+)?\]|[^\s;:,\[\]]+)(?:[ \t]*(:)[ \t]*(\d+))?)?`,
    name: 'meta.via.sent-by.sip',
    captures: {
      1: { name: 'constant.language.sip-version.sip' },
      2: { name: 'punctuation.separator.version.sip' },
      3: { name: 'punctuation.separator.version.sip' },
      4: { name: 'constant.language.transport.sip' },
      5: { patterns: HOST_PATTERNS },
      6: { name: 'punctuation.separator.port.sip' },
      7: { name: 'constant.numeric.port.sip' },
    },
  },
  'address-value': {
    patterns: [
      { include: '#wildcard' },
      { include: '#display-name' },
      { include: '#angle-uri' },
      { include: '#uri' },
      { include: '#parameters' },
      { include: '#quoted-string' },
      { include: '#comma' },
    ],
  },
  'call-id-value': {
    patterns: [{ match: R`[^\s,]+`, name: 'constant.other.call-id.sip' }, { include: '#comma' }],
  },
  'cseq-value': {
    patterns: [
      { match: R`(?<![\w.])\d+(?![\w.])`, name: 'constant.numeric.sequence.sip' },
      { include: '#method' },
    ],
  },
  'numeric-value': {
    patterns: [{ include: '#parameters' }, { include: '#number' }, { include: '#quoted-string' }, { include: '#comma' }],
  },
  'content-type-value': {
    patterns: [
      {
        match: R`(?<![^\s:,])(${TOKEN})(/)(${TOKEN})`,
        name: 'support.type.media-type.sip',
        captures: { 2: { name: 'punctuation.separator.media-type.sip' } },
      },
      { include: '#parameters' },
      { include: '#quoted-string' },
      { include: '#comma' },
    ],
  },
  'authorization-value': {
    patterns: [
      {
        match: R`(?<=:)[ \t]*(${TOKEN})(?=[ \t]|$)`,
        captures: { 1: { name: 'keyword.other.auth-scheme.sip' } },
      },
      {
        match: R`(${TOKEN})[ \t]*(=)`,
        captures: { 1: { name: 'entity.other.attribute-name.auth-parameter.sip' }, 2: ASSIGN },
      },
      { include: '#quoted-string' },
      { include: '#comma' },
    ],
  },
  'text-value': {
    patterns: [{ match: R`\S(?:.*\S)?`, name: 'string.unquoted.text.sip' }],
  },
  'token-list-value': {
    patterns: [
      { include: '#parameters' },
      { include: '#method-known' },
      { match: R`${NOT_TOKEN_CHAR_BEHIND}${TOKEN}`, name: 'constant.other.token.sip' },
      { include: '#quoted-string' },
      { include: '#comma' },
    ],
  },
  'generic-value': {
    patterns: [
      { include: '#display-name-quoted' },
      { include: '#angle-uri' },
      { include: '#uri' },
      { include: '#quoted-string' },
      { include: '#parameters' },
      { include: '#ipv6-reference' },
      { include: '#ipv4' },
      { include: '#method-known' },
      { include: '#number' },
      { include: '#comma' },
    ],
  },

  // ------------------------------------------------------------ URIs and name-addr
  'request-uri': {
    patterns: [
      { include: '#angle-uri' },
      { include: '#uri-any' },
      { include: '#parameters' },
      { include: '#uri-headers' },
    ],
  },
  'angle-uri': {
    // RFC 3261 §25.1 name-addr: [ display-name ] LAQUOT addr-spec RAQUOT
    match: R`(<)([^>]*)(>)`,
    name: 'meta.uri.bracketed.sip',
    captures: {
      1: { name: 'punctuation.definition.uri.begin.sip' },
      2: { patterns: [{ include: '#uri-any' }, { include: '#parameters' }, { include: '#uri-headers' }] },
      3: { name: 'punctuation.definition.uri.end.sip' },
    },
  },
  uri: { patterns: [{ include: '#sip-uri' }, { include: '#tel-uri' }] },
  'uri-any': { patterns: [{ include: '#sip-uri' }, { include: '#tel-uri' }, { include: '#other-uri' }] },
  'sip-uri': {
    // RFC 3261 §19.1.1 / §25.1: sip:user:password@host:port (IPv6 references per RFC 5118)
    match: R`(?<![\w.+\-])((?i:sips?))(:)(?:([^\s@<>":,]+)(?:(:)([^\s@<>",]*))?(@))?(\[[0-9A-Fa-f:.]+(?:%[\w.~\-]+)?\]|${HOSTNAME})(?:(:)(\d+))?`,
    name: 'meta.uri.sip',
    captures: {
      1: { name: 'keyword.other.uri-scheme.sip' },
      2: { name: 'punctuation.separator.scheme.sip' },
      3: { name: 'variable.other.user.sip', patterns: ESCAPES },
      4: { name: 'punctuation.separator.password.sip' },
      5: { name: 'variable.other.password.sip' },
      6: { name: 'punctuation.separator.at.sip' },
      7: { patterns: HOST_PATTERNS },
      8: { name: 'punctuation.separator.port.sip' },
      9: { name: 'constant.numeric.port.sip' },
    },
  },
  'tel-uri': {
    // RFC 3966
    match: R`(?<![\w.+\-])((?i:tel))(:)([+]?[0-9A-Fa-f*#().\-]+)`,
    name: 'meta.uri.sip',
    captures: {
      1: { name: 'keyword.other.uri-scheme.sip' },
      2: { name: 'punctuation.separator.scheme.sip' },
      3: { name: 'constant.other.telephone-number.sip' },
    },
  },
  'other-uri': {
    match: R`(?<![\w.+\-])([A-Za-z][A-Za-z0-9+.\-]*)(:)([^\s;?>]+)`,
    name: 'meta.uri.sip',
    captures: {
      1: { name: 'keyword.other.uri-scheme.sip' },
      2: { name: 'punctuation.separator.scheme.sip' },
      3: { name: 'string.unquoted.uri.sip', patterns: ESCAPES },
    },
  },
  'uri-headers': {
    match: R`([?&])(${TOKEN})(?:(=)([^&>\s]*))?`,
    captures: {
      1: { name: 'punctuation.separator.uri-header.sip' },
      2: { name: 'entity.other.attribute-name.uri-header.sip' },
      3: ASSIGN,
      4: { name: 'string.unquoted.uri-header-value.sip', patterns: ESCAPES },
    },
  },
  'display-name': { patterns: [{ include: '#display-name-quoted' }, { include: '#display-name-unquoted' }] },
  'display-name-quoted': {
    match: R`(")((?:[^"\\]|\\.)*)(")(?=[ \t]*<)`,
    name: 'string.quoted.double.display-name.sip',
    captures: {
      1: { name: 'punctuation.definition.string.begin.sip' },
      2: { patterns: QUOTED_INNER },
      3: { name: 'punctuation.definition.string.end.sip' },
    },
  },
  'display-name-unquoted': {
    match: R`(?:^|(?<=[:,]))[ \t]*(${TOKEN}(?:[ \t]+${TOKEN})*)(?=[ \t]*<)`,
    captures: { 1: { name: 'string.unquoted.display-name.sip' } },
  },
  wildcard: {
    match: R`(?<=:)[ \t]*(\*)(?=[ \t]*(?:;|$))`,
    captures: { 1: { name: 'keyword.operator.wildcard.sip' } },
  },

  // ------------------------------------------------------------ parameters
  parameters: {
    patterns: [
      {
        // RFC 3261 §8.1.1.7: branch values that start with the magic cookie come from RFC 3261 elements
        match: R`(;)[ \t]*((?i:branch))[ \t]*(=)[ \t]*(?:(z9hG4bK)(${PARAM_VALUE_END}*)|(${PARAM_VALUE_END}+))`,
        name: 'meta.parameter.branch.sip',
        captures: {
          1: PUNCT_PARAM, 2: PARAM_NAME, 3: ASSIGN,
          4: { name: 'constant.language.magic-cookie.sip' },
          5: { name: 'constant.other.branch.sip' },
          6: { name: 'constant.other.branch.sip' },
        },
      },
      {
        match: R`(;)[ \t]*((?i:tag))[ \t]*(=)[ \t]*(${PARAM_VALUE_END}+)`,
        name: 'meta.parameter.tag.sip',
        captures: { 1: PUNCT_PARAM, 2: PARAM_NAME, 3: ASSIGN, 4: { name: 'constant.other.tag.sip' } },
      },
      {
        // RFC 3261 §18.2.1 received=, §20.42 maddr=; RFC 5118 §4.5 (received may hold an IPv6 reference)
        match: R`(;)[ \t]*((?i:received|maddr))[ \t]*(=)[ \t]*(\[[0-9A-Fa-f:.]+\]|${PARAM_VALUE_END}+)`,
        name: 'meta.parameter.address.sip',
        captures: { 1: PUNCT_PARAM, 2: PARAM_NAME, 3: ASSIGN, 4: { patterns: ADDRESS_PATTERNS } },
      },
      {
        // RFC 3581
        match: R`(;)[ \t]*((?i:rport))(?:[ \t]*(=)[ \t]*(\d+))?(?![\w\-.])`,
        name: 'meta.parameter.rport.sip',
        captures: { 1: PUNCT_PARAM, 2: PARAM_NAME, 3: ASSIGN, 4: { name: 'constant.numeric.port.sip' } },
      },
      {
        match: R`(;)[ \t]*((?i:transport))[ \t]*(=)[ \t]*(${PARAM_VALUE_END}+)`,
        name: 'meta.parameter.transport.sip',
        captures: { 1: PUNCT_PARAM, 2: PARAM_NAME, 3: ASSIGN, 4: { name: 'constant.language.transport.sip' } },
      },
      {
        match: R`(;)[ \t]*(${TOKEN})(?:[ \t]*(=)[ \t]*(?:("(?:[^"\\]|\\.)*")|(\[[0-9A-Fa-f:.]+\])|(\d+(?:\.\d+)?)(?!${PARAM_VALUE_END})|(${PARAM_VALUE_END}+)))?`,
        name: 'meta.parameter.sip',
        captures: {
          1: PUNCT_PARAM, 2: PARAM_NAME, 3: ASSIGN,
          4: { name: 'string.quoted.double.sip', patterns: QUOTED_INNER },
          5: { patterns: [{ include: '#ipv6-reference' }] },
          6: { name: 'constant.numeric.sip' },
          7: { name: 'string.unquoted.parameter-value.sip', patterns: ESCAPES },
        },
      },
    ],
  },

  // ------------------------------------------------------------ small tokens
  method: {
    match: R`${NOT_TOKEN_CHAR_BEHIND}(?:(${KNOWN_METHODS})|(${TOKEN}))${NOT_TOKEN_CHAR_AHEAD}`,
    captures: { 1: { name: 'keyword.control.method.sip' }, 2: { name: 'keyword.other.method.sip' } },
  },
  'method-known': {
    match: R`${NOT_TOKEN_CHAR_BEHIND}(?:${KNOWN_METHODS})${NOT_TOKEN_CHAR_AHEAD}`,
    name: 'keyword.control.method.sip',
  },
  'quoted-string': {
    match: R`(")((?:[^"\\]|\\.)*)(")`,
    name: 'string.quoted.double.sip',
    captures: {
      1: { name: 'punctuation.definition.string.begin.sip' },
      2: { patterns: QUOTED_INNER },
      3: { name: 'punctuation.definition.string.end.sip' },
    },
  },
  number: { match: R`(?<![\w.\-%])\d+(?:\.\d+)?(?![\w\-%@]|\.\w)`, name: 'constant.numeric.sip' },
  comma: { match: ',', name: 'punctuation.separator.comma.sip' },
  ipv4: { match: IPV4, name: 'constant.numeric.ip.v4.sip' },
  ipv6: { match: IPV6, name: 'constant.numeric.ip.v6.sip' },
  'ipv6-reference': {
    // RFC 3261 §25.1 IPv6reference = "[" IPv6address "]"
    match: R`(\[)([0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(?:%[\w.~\-]+)?)(\])`,
    name: 'meta.ipv6-reference.sip',
    captures: {
      1: { name: 'punctuation.definition.ipv6-reference.begin.sip' },
      2: { name: 'constant.numeric.ip.v6.sip' },
      3: { name: 'punctuation.definition.ipv6-reference.end.sip' },
    },
  },

  // ------------------------------------------------------------ trace / log lines
  'log-line': {
    patterns: [
      {
        // Asterisk chan_sip / res_pjsip_logger: "<--- SIP read from UDP:10.0.0.1:5060 --->", "<------------->"
        match: R`^[ \t]*(<-{3,})[ \t]*(.*?)[ \t]*(-{3,}>)[ \t]*$`,
        name: 'meta.log-prefix.asterisk.sip comment.line.log-prefix.sip',
        captures: {
          1: { name: 'punctuation.definition.log-prefix.sip' },
          2: { patterns: [{ include: '#log-details' }] },
          3: { name: 'punctuation.definition.log-prefix.sip' },
        },
      },
      {
        match: R`^[ \t]*(-{3,}>)[ \t]*$`,
        name: 'meta.log-prefix.asterisk.sip comment.line.log-prefix.sip',
        captures: { 1: { name: 'punctuation.definition.log-prefix.sip' } },
      },
      {
        // FreeSWITCH (sofia-sip tport_log_msg): "recv 1234 bytes from udp/[10.0.0.1]:5060 at 12:00:00.000000:"
        match: R`^[ \t]*(?:(\d+)(->)[ \t]*)?(recv|send|sent)[ \t]+(\d+)[ \t]+(bytes)[ \t]+(from|to)[ \t]+(\w+)(/)(\[[^\]\s]*\]|[^\s:]+)(?:(:)(\d+))?(.*?)(?:[ \t]+(at)[ \t]+(${TS_TIME})(:)?)?[ \t]*$`,
        name: 'meta.log-prefix.freeswitch.sip comment.line.log-prefix.sip',
        captures: {
          1: { name: 'constant.numeric.sip' },
          2: { name: 'keyword.operator.arrow.sip' },
          3: { name: 'keyword.other.direction.sip' },
          4: { name: 'constant.numeric.length.sip' },
          6: { name: 'keyword.other.direction.sip' },
          7: { name: 'keyword.other.transport.sip' },
          8: { name: 'punctuation.separator.transport.sip' },
          9: { patterns: [{ include: '#log-bracketed-address' }, { include: '#ipv4' }, { include: '#ipv6' }] },
          10: { name: 'punctuation.separator.port.sip' },
          11: { name: 'constant.numeric.port.sip' },
          14: { name: 'constant.other.timestamp.sip' },
        },
      },
      {
        match: R`^[ \t]*-{20,}[ \t]*$`,
        name: 'meta.separator.freeswitch.sip comment.line.log-prefix.sip',
      },
      {
        match: R`^#+[ \t]*$`,
        name: 'meta.separator.ngrep.sip comment.line.log-prefix.sip',
      },
      {
        // ngrep: "U 2023/01/01 10:00:00.000 10.0.0.1:5060 -> 10.0.0.2:5060", "T 10.0.0.1:5060 -> 10.0.0.2:5060 [AP]"
        match: R`^([UTI])(?=[ \t]+(?:${TS_SLASH}[ \t]+)?\S+[:.]\d+[ \t]+->)(.*)$`,
        name: 'meta.log-prefix.ngrep.sip comment.line.log-prefix.sip',
        captures: {
          1: { name: 'keyword.other.transport.sip' },
          2: { patterns: [{ include: '#log-details' }] },
        },
      },
      {
        match: R`^(interface|filter|match)(:)[ \t].*$`,
        name: 'meta.log-prefix.ngrep.sip comment.line.log-prefix.sip',
      },
      {
        // sngrep "Save as .txt": "2023/01/01 10:00:00.123456 10.0.0.1:5060 -> 10.0.0.2:5060"
        match: R`^(?=${LOG.sngrep})(.*)$`,
        name: 'meta.log-prefix.sngrep.sip comment.line.log-prefix.sip',
        captures: { 1: { patterns: [{ include: '#log-details' }] } },
      },
      {
        // tcpdump's own status lines: "tcpdump: verbose output suppressed ...", "listening on eth0, ...", "3 packets captured"
        match: R`^(?=${LOG.tcpdumpBanner}).*$`,
        name: 'meta.log-prefix.tcpdump.sip comment.line.log-prefix.sip',
      },
      {
        match: R`^(?=${LOG.tcpdump})(.*)$`,
        name: 'meta.log-prefix.tcpdump.sip comment.line.log-prefix.sip',
        captures: { 1: { patterns: [{ include: '#log-details' }] } },
      },
      {
        // syslog (Kamailio, OpenSIPS, ...): "Jan 10 12:00:00 host kamailio[123]: ..."
        match: R`^(?=${LOG.syslog})(.*)$`,
        name: 'meta.log-prefix.syslog.sip comment.line.log-prefix.sip',
        captures: { 1: { patterns: [{ include: '#log-details' }] } },
      },
      {
        // Asterisk / FreeSWITCH log files: "[2023-01-10 12:00:00] VERBOSE[123] ...", "2023-01-10 12:00:00.1 [DEBUG] ..."
        match: R`^(?=${LOG.timestamped})(.*)$`,
        name: 'meta.log-prefix.timestamped.sip comment.line.log-prefix.sip',
        captures: { 1: { patterns: [{ include: '#log-details' }] } },
      },
      {
        // Kamailio / OpenSIPS to stderr: " 0(1234) DEBUG: <core> ..."
        match: R`^(?=${LOG.kamailio})(.*)$`,
        name: 'meta.log-prefix.kamailio.sip comment.line.log-prefix.sip',
        captures: { 1: { patterns: [{ include: '#log-details' }] } },
      },
    ],
  },
  'log-details': {
    patterns: [
      { match: `${TS_SLASH}|${TS_ISO}|${TS_SYSLOG}|` + R`\d{2}:\d{2}:\d{2}(?:[.,]\d+)?`, name: 'constant.other.timestamp.sip' },
      {
        match: R`(?<![\w.])((?i:udp|tcp|tls|sctp|wss?))(:|/)(?=[\[\d])`,
        captures: { 1: { name: 'keyword.other.transport.sip' }, 2: { name: 'punctuation.separator.transport.sip' } },
      },
      { include: '#log-bracketed-address' },
      {
        // a.b.c.d:port (ngrep, sngrep, Asterisk) or a.b.c.d.port (tcpdump)
        match: R`(?<![\w.])(${IPV4_BARE})(?:([:.])(\d{1,5}|[a-z][\w\-]*))?(?![\w.])`,
        captures: {
          1: { name: 'constant.numeric.ip.v4.sip' },
          2: { name: 'punctuation.separator.port.sip' },
          3: { name: 'constant.numeric.port.sip' },
        },
      },
      {
        // unbracketed IPv6 with an optional trailing :port / .port
        match: R`(?<![\w.:\[])([0-9A-Fa-f]*:[0-9A-Fa-f:.]*?:[0-9A-Fa-f.]*?)(?:([:.])(\d{1,5}))?(?![\w:.])`,
        captures: {
          1: { name: 'constant.numeric.ip.v6.sip' },
          2: { name: 'punctuation.separator.port.sip' },
          3: { name: 'constant.numeric.port.sip' },
        },
      },
      { match: R`<-{2,}|-{2,}>`, name: 'punctuation.definition.log-prefix.sip' },
      { match: R`->|<-|(?<=\s)>(?=\s)`, name: 'keyword.operator.arrow.sip' },
      {
        // Asterisk "VERBOSE[1234]" (level and thread id)
        match: R`\b(DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|ERR|CRIT|CRITICAL|ALERT|VERBOSE|BUG)(?:(\[)(\d+)(\]))?(?![\w\-])`,
        captures: { 1: { name: 'keyword.other.log-level.sip' }, 3: { name: 'constant.numeric.pid.sip' } },
      },
      {
        // syslog "kamailio[1234]", Kamailio stderr " 0(1234)"
        match: R`([A-Za-z_][\w.\-/]*)(\[)(\d+)(\])|(?<![\w(])(\d+)(\()(\d+)(\))`,
        captures: {
          1: { name: 'entity.name.process.sip' }, 3: { name: 'constant.numeric.pid.sip' },
          5: { name: 'constant.numeric.process-number.sip' }, 7: { name: 'constant.numeric.pid.sip' },
        },
      },
      {
        match: R`\b(?:SIP read from|Reliably Transmitting|Transmitting|Received|recv|send|sent)\b`,
        name: 'keyword.other.direction.sip',
      },
    ],
  },
  'log-bracketed-address': {
    match: R`(\[)([0-9A-Fa-f:.]+(?:%[\w.~\-]+)?)(\])(?:(:)(\d{1,5}))?`,
    captures: {
      1: { name: 'punctuation.definition.address.begin.sip' },
      2: { patterns: [{ include: '#ipv4' }, { match: '.+', name: 'constant.numeric.ip.v6.sip' }] },
      3: { name: 'punctuation.definition.address.end.sip' },
      4: { name: 'punctuation.separator.port.sip' },
      5: { name: 'constant.numeric.port.sip' },
    },
  },
};

const sip = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'SIP',
  scopeName: 'source.sip',
  fileTypes: ['sip', 'siptrace'],
  patterns: [
    { include: '#log-line' },
    { include: '#request-message' },
    { include: '#response-message' },
    { include: '#header-fields' },
  ],
  repository: sipRepository,
};

// ---------------------------------------------------------------- SDP grammar (RFC 8866)
const LT = { name: 'keyword.other.line-type.sdp' };
const EQ = { name: 'punctuation.separator.key-value.sdp' };
const COLON = { name: 'punctuation.separator.attribute.sdp' };
const KNOWN_ATTR = { name: 'support.type.attribute.sdp' };
const SDP_ADDRESS = [
  { include: '#ipv4' },
  { include: '#ipv6' },
  { match: R`[A-Za-z0-9](?:[\w\-.]*[A-Za-z0-9])?\.?`, name: 'entity.name.host.sdp' },
];
const NETTYPE = { name: 'constant.language.nettype.sdp' };
const ADDRTYPE = { name: 'constant.language.addrtype.sdp' };

function line(kind, letter, rest, captures) {
  return {
    name: `meta.line.${kind}.sdp`,
    match: R`^[ \t]*(${letter})(=)${rest}$`,
    captures: { 1: LT, 2: EQ, ...captures },
  };
}
function shift(captures, by) {
  return Object.fromEntries(Object.entries(captures).map(([k, v]) => [String(Number(k) + by), v]));
}
/** a=<name>:<value>; value groups are numbered from 1 in `captures`. */
function attr(names, value, captures = {}, nameScope = KNOWN_ATTR) {
  return {
    name: 'meta.line.attribute.sdp',
    match: R`^[ \t]*(a)(=)(${names})(:)[ \t]*${value}[ \t]*$`,
    captures: { 1: LT, 2: EQ, 3: nameScope, 4: COLON, ...shift(captures, 4) },
  };
}
const REST = R`(?:[ \t]+(.*?))?`;
const GENERIC_REST = { patterns: [{ include: '#generic-value' }] };

const KNOWN_ATTRIBUTES = [
  'rtpmap', 'fmtp', 'rtcp', 'rtcp-mux', 'rtcp-mux-only', 'rtcp-rsize', 'rtcp-fb', 'rtcp-xr',
  'sendrecv', 'sendonly', 'recvonly', 'inactive', 'ptime', 'maxptime', 'framerate', 'quality',
  'candidate', 'remote-candidates', 'end-of-candidates', 'ice-ufrag', 'ice-pwd', 'ice-options', 'ice-lite',
  'ice-mismatch', 'ice-pacing', 'fingerprint', 'setup', 'connection', 'tls-id', 'mid', 'group', 'ssrc',
  'ssrc-group', 'extmap', 'extmap-allow-mixed', 'crypto', 'msid', 'msid-semantic', 'bundle-only', 'rid',
  'simulcast', 'sctp-port', 'sctpmap', 'max-message-size', 'orient', 'type', 'charset', 'sdplang', 'lang',
  'tool', 'cat', 'keywds', 'label', 'content', 'silenceSupp', 'curr', 'des', 'conf', 'imageattr', 'identity',
  'recvonly', 'T38FaxVersion', 'T38MaxBitRate', 'T38FaxRateManagement', 'T38FaxMaxBuffer', 'T38FaxMaxDatagram',
  'T38FaxUdpEC',
].filter((v, i, a) => a.indexOf(v) === i);
// longest first so that "rtcp" does not win over "rtcp-mux" in an alternation
const KNOWN_ATTR_ALT = [...KNOWN_ATTRIBUTES].sort((a, b) => b.length - a.length).join('|');

const sdpRepository = {
  line: {
    patterns: [
      line('version', 'v', R`[ \t]*(\d+)?(.*?)`, { 3: { name: 'constant.numeric.version.sdp' } }),
      line('origin', 'o', R`(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]*`, {
        3: { name: 'variable.other.username.sdp' },
        4: { name: 'constant.numeric.session-id.sdp' },
        5: { name: 'constant.numeric.session-version.sdp' },
        6: NETTYPE, 7: ADDRTYPE, 8: { patterns: SDP_ADDRESS },
      }),
      line('session-name', 's', '(.*)', { 3: { name: 'string.unquoted.session-name.sdp' } }),
      line('information', 'i', '(.*)', { 3: { name: 'string.unquoted.information.sdp' } }),
      line('uri', 'u', '(.*)', { 3: { name: 'markup.underline.link.sdp' } }),
      line('email', 'e', '(.*)', { 3: { name: 'string.unquoted.email.sdp' } }),
      line('phone', 'p', '(.*)', { 3: { name: 'string.unquoted.phone.sdp' } }),
      // RFC 8866 §5.7: IP4 multicast carries /ttl[/number of addresses], IP6 only /number of addresses
      line('connection', 'c', R`(\S+)[ \t]+(IP4)[ \t]+([^\s/]+)(?:(/)(\d+))?(?:(/)(\d+))?[ \t]*`, {
        3: NETTYPE, 4: ADDRTYPE, 5: { patterns: SDP_ADDRESS },
        6: { name: 'punctuation.separator.ttl.sdp' }, 7: { name: 'constant.numeric.ttl.sdp' },
        8: { name: 'punctuation.separator.address-count.sdp' }, 9: { name: 'constant.numeric.address-count.sdp' },
      }),
      line('connection', 'c', R`(\S+)[ \t]+(IP6)[ \t]+([^\s/]+)(?:(/)(\d+))?[ \t]*`, {
        3: NETTYPE, 4: ADDRTYPE, 5: { patterns: SDP_ADDRESS },
        6: { name: 'punctuation.separator.address-count.sdp' }, 7: { name: 'constant.numeric.address-count.sdp' },
      }),
      line('connection', 'c', R`(\S+)[ \t]+(\S+)[ \t]+(\S+)(.*?)`, {
        3: NETTYPE, 4: ADDRTYPE, 5: { patterns: SDP_ADDRESS },
      }),
      line('bandwidth', 'b', R`([\w\-.]+)(:)[ \t]*(\d+)[ \t]*`, {
        3: { name: 'constant.language.bandwidth-type.sdp' },
        4: COLON,
        5: { name: 'constant.numeric.bandwidth.sdp' },
      }),
      line('timing', 't', R`(\d+)[ \t]+(\d+)[ \t]*`, {
        3: { name: 'constant.numeric.time.sdp' }, 4: { name: 'constant.numeric.time.sdp' },
      }),
      line('repeat', 'r', '(.*)', { 3: { patterns: [{ include: '#time-value' }] } }),
      line('zone', 'z', '(.*)', { 3: { patterns: [{ include: '#time-value' }] } }),
      line('key', 'k', R`([\w\-]+)(?:(:)(.*))?`, {
        3: { name: 'constant.language.key-method.sdp' }, 4: COLON, 5: { name: 'string.unquoted.key.sdp' },
      }),
      line('media', 'm', R`([\w\-]+)[ \t]+(\d+)(?:(/)(\d+))?[ \t]+(\S+)(?:[ \t]+(.*?))?[ \t]*`, {
        3: { name: 'keyword.other.media.sdp' },
        4: { name: 'constant.numeric.port.sdp' },
        5: { name: 'punctuation.separator.port-count.sdp' },
        6: { name: 'constant.numeric.port-count.sdp' },
        7: { name: 'support.type.protocol.sdp', patterns: [{ match: '/', name: 'punctuation.separator.protocol.sdp' }] },
        8: {
          patterns: [
            { match: R`(?<!\S)\d+(?!\S)`, name: 'constant.numeric.format.sdp' },
            { match: R`\S+`, name: 'string.unquoted.format.sdp' },
          ],
        },
      }),
      { include: '#attribute' },
      {
        name: 'meta.line.other.sdp',
        match: R`^[ \t]*([A-Za-z])(=)(.*)$`,
        captures: { 1: LT, 2: EQ, 3: { name: 'string.unquoted.value.sdp' } },
      },
    ],
  },
  attribute: {
    patterns: [
      // RFC 8866 §6.6 a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
      attr('rtpmap', R`(\d+)[ \t]+([^/\s]+)(/)(\d+)(?:(/)(\d+))?`, {
        1: { name: 'constant.numeric.payload-type.sdp' },
        2: { name: 'entity.name.type.codec.sdp' },
        3: { name: 'punctuation.separator.codec.sdp' },
        4: { name: 'constant.numeric.clock-rate.sdp' },
        5: { name: 'punctuation.separator.codec.sdp' },
        6: { name: 'constant.numeric.channels.sdp' },
      }),
      // RFC 8866 §6.15
      attr('fmtp', R`(\d+|\*)(?:[ \t]+(.*?))?`, {
        1: { name: 'constant.numeric.payload-type.sdp' },
        2: { patterns: [{ include: '#format-parameters' }] },
      }),
      // RFC 3605
      attr('rtcp', R`(\d+)(?:[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+))?`, {
        1: { name: 'constant.numeric.port.sdp' }, 2: NETTYPE, 3: ADDRTYPE, 4: { patterns: SDP_ADDRESS },
      }),
      // RFC 4585 §4.2
      attr('rtcp-fb', R`(\d+|\*)[ \t]+(\S+)(?:[ \t]+(.*?))?`, {
        1: { name: 'constant.numeric.payload-type.sdp' },
        2: { name: 'constant.other.feedback-type.sdp' },
        3: { name: 'constant.other.feedback-parameter.sdp' },
      }),
      attr('ptime|maxptime|framerate|quality|sctp-port|max-message-size', R`(\d+(?:\.\d+)?)`, {
        1: { name: 'constant.numeric.sdp' },
      }),
      // RFC 8839 §5.1 candidate-attribute
      attr('candidate', R`(\S+)[ \t]+(\d+)[ \t]+(\S+)[ \t]+(\d+)[ \t]+(\S+)[ \t]+(\d+)[ \t]+(typ)[ \t]+(\S+)${REST}`, {
        1: { name: 'constant.other.foundation.sdp' },
        2: { name: 'constant.numeric.component-id.sdp' },
        3: { name: 'constant.language.transport.sdp' },
        4: { name: 'constant.numeric.priority.sdp' },
        5: { patterns: SDP_ADDRESS },
        6: { name: 'constant.numeric.port.sdp' },
        7: { name: 'keyword.other.candidate-type.sdp' },
        8: { name: 'constant.language.candidate-type.sdp' },
        9: { patterns: [{ include: '#candidate-extensions' }] },
      }),
      attr('ice-ufrag', R`(\S+)`, { 1: { name: 'string.unquoted.ice-ufrag.sdp' } }),
      attr('ice-pwd', R`(\S+)`, { 1: { name: 'string.unquoted.ice-pwd.sdp' } }),
      attr('ice-options', R`(.+?)`, { 1: { patterns: [{ match: R`\S+`, name: 'constant.other.ice-option.sdp' }] } }),
      // RFC 8122 §5
      attr('fingerprint', R`(\S+)[ \t]+([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*)`, {
        1: { name: 'constant.language.hash-function.sdp' },
        2: { name: 'constant.other.fingerprint.sdp' },
      }),
      // RFC 4145 §4
      attr('setup', R`(\S+)`, { 1: { name: 'constant.language.setup-role.sdp' } }),
      attr('connection', R`(\S+)`, { 1: { name: 'constant.language.connection.sdp' } }),
      // RFC 5888
      attr('mid', R`(\S+)`, { 1: { name: 'constant.other.mid.sdp' } }),
      attr('group', R`(\S+)${REST}`, {
        1: { name: 'constant.language.group-semantics.sdp' },
        2: { patterns: [{ match: R`\S+`, name: 'constant.other.mid.sdp' }] },
      }),
      // RFC 5576
      attr('ssrc', R`(\d+)(?:[ \t]+([^:\s]+)(?:(:)(.*?))?)?`, {
        1: { name: 'constant.numeric.ssrc.sdp' },
        2: { name: 'entity.other.attribute-name.ssrc.sdp' },
        3: COLON,
        4: { name: 'string.unquoted.ssrc-attribute-value.sdp' },
      }),
      attr('ssrc-group', R`(\S+)${REST}`, {
        1: { name: 'constant.language.group-semantics.sdp' },
        2: { patterns: [{ match: R`\d+`, name: 'constant.numeric.ssrc.sdp' }] },
      }),
      // RFC 8285
      attr('extmap', R`(\d+)(?:(/)(\w+))?[ \t]+(\S+)${REST}`, {
        1: { name: 'constant.numeric.extension-id.sdp' },
        2: { name: 'punctuation.separator.direction.sdp' },
        3: { name: 'constant.language.direction.sdp' },
        4: { name: 'string.unquoted.extension-uri.sdp' },
        5: { name: 'string.unquoted.extension-attributes.sdp' },
      }),
      // RFC 4568 §9.1
      attr('crypto', R`(\d+)[ \t]+(\S+)[ \t]+(inline)(:)([^|\s]+)(?:(\|)([^|\s]+))?(?:(\|)([^|\s]+))?${REST}`, {
        1: { name: 'constant.numeric.crypto-tag.sdp' },
        2: { name: 'constant.language.crypto-suite.sdp' },
        3: { name: 'keyword.other.key-method.sdp' },
        4: COLON,
        5: { name: 'string.unquoted.key.sdp' },
        6: { name: 'punctuation.separator.key-parameter.sdp' },
        7: { name: 'constant.numeric.key-lifetime.sdp' },
        8: { name: 'punctuation.separator.key-parameter.sdp' },
        9: { name: 'constant.numeric.key-mki.sdp' },
        10: { name: 'string.unquoted.session-parameters.sdp' },
      }),
      attr('msid-semantic', R`(\S+)${REST}`, {
        1: { name: 'constant.language.msid-semantic.sdp' },
        2: { name: 'string.unquoted.msid.sdp' },
      }),
      attr('msid', R`(\S+)${REST}`, { 1: { name: 'string.unquoted.msid.sdp' }, 2: { name: 'string.unquoted.msid.sdp' } }),
      attr('sctpmap', R`(\d+)[ \t]+(\S+)(?:[ \t]+(\d+))?`, {
        1: { name: 'constant.numeric.port.sdp' },
        2: { name: 'entity.name.type.codec.sdp' },
        3: { name: 'constant.numeric.sdp' },
      }),
      {
        // property attributes (no value) and known attributes without a specific value grammar
        name: 'meta.line.attribute.sdp',
        match: R`^[ \t]*(a)(=)(${KNOWN_ATTR_ALT})(?:(:)[ \t]*(.*?))?[ \t]*$`,
        captures: { 1: LT, 2: EQ, 3: KNOWN_ATTR, 4: COLON, 5: GENERIC_REST },
      },
      {
        name: 'meta.line.attribute.sdp',
        match: R`^[ \t]*(a)(=)([^:\s]+)(?:(:)[ \t]*(.*?))?[ \t]*$`,
        captures: { 1: LT, 2: EQ, 3: { name: 'entity.other.attribute-name.sdp' }, 4: COLON, 5: GENERIC_REST },
      },
    ],
  },
  'format-parameters': {
    patterns: [
      {
        match: R`([^\s;=]+)[ \t]*(=)[ \t]*([^;]*)`,
        captures: {
          1: { name: 'variable.parameter.format.sdp' },
          2: { name: 'keyword.operator.assignment.sdp' },
          3: { name: 'string.unquoted.format-parameter-value.sdp' },
        },
      },
      { match: ';', name: 'punctuation.separator.parameter.sdp' },
      { match: R`[^\s;]+`, name: 'string.unquoted.format-parameter-value.sdp' },
    ],
  },
  'candidate-extensions': {
    patterns: [
      {
        match: R`(raddr)[ \t]+(\S+)`,
        captures: { 1: { name: 'keyword.other.candidate-extension.sdp' }, 2: { patterns: SDP_ADDRESS } },
      },
      {
        match: R`(rport)[ \t]+(\d+)`,
        captures: { 1: { name: 'keyword.other.candidate-extension.sdp' }, 2: { name: 'constant.numeric.port.sdp' } },
      },
      {
        match: R`(tcptype)[ \t]+(\S+)`,
        captures: { 1: { name: 'keyword.other.candidate-extension.sdp' }, 2: { name: 'constant.language.tcp-type.sdp' } },
      },
      {
        match: R`([\w\-]+)[ \t]+(\S+)`,
        captures: {
          1: { name: 'keyword.other.candidate-extension.sdp' },
          2: { name: 'string.unquoted.candidate-extension-value.sdp' },
        },
      },
    ],
  },
  'time-value': {
    patterns: [{ match: R`(?<![^\s=])-?\d+[dhms]?(?!\S)`, name: 'constant.numeric.time.sdp' }],
  },
  'generic-value': {
    patterns: [
      { include: '#ipv4' },
      { include: '#ipv6' },
      { match: R`(?<![\w.\-])\d+(?:\.\d+)?(?![\w.\-])`, name: 'constant.numeric.sdp' },
      { match: R`\S+`, name: 'string.unquoted.attribute-value.sdp' },
    ],
  },
  ipv4: { match: IPV4, name: 'constant.numeric.ip.v4.sdp' },
  ipv6: { match: IPV6, name: 'constant.numeric.ip.v6.sdp' },
};

const sdp = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'SDP',
  scopeName: 'source.sdp',
  fileTypes: ['sdp'],
  patterns: [{ include: '#line' }],
  repository: sdpRepository,
};

// sanity: every regex compiles in Oniguruma is checked by the test run; here only JSON output.
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(`${OUT}/sip.tmLanguage.json`, JSON.stringify(sip, null, 2) + '\n');
fs.writeFileSync(`${OUT}/sdp.tmLanguage.json`, JSON.stringify(sdp, null, 2) + '\n');
console.log('written', OUT);
