// RTP payload formats: the RFC 3551 §6 static payload type table, and the RTP clock rate used for jitter per format.

/** An RTP payload format: payload type number -> encoding name, RTP clock rate (Hz) and channels. */
export interface PayloadFormat {
  payloadType: number;
  /** Encoding name as written in a=rtpmap (`PCMU`, `opus`, `telephone-event`) or the RFC 3551 name. */
  encoding: string;
  /** RTP timestamp clock rate in Hz (the rate of the RTP timestamp, not necessarily the audio sampling rate). */
  clockRate: number;
  channels: number | undefined;
}

const fmt = (payloadType: number, encoding: string, clockRate: number, channels?: number): PayloadFormat =>
  Object.freeze({ payloadType, encoding, clockRate, channels });

/**
 * Static payload types, RFC 3551 §6 Tables 4 and 5 (1 and 2 are the RFC 1890 assignments since reserved; 19 is the
 * old comfort-noise value that tshark still treats as CN). Note RFC 3551 §4.5.2: G722 (9) is sampled at 16 kHz but
 * its RTP clock rate is 8000 Hz "for historical reasons".
 */
export const STATIC_PAYLOAD_FORMATS: ReadonlyMap<number, PayloadFormat> = new Map([
  [0, fmt(0, 'PCMU', 8000, 1)],
  [1, fmt(1, '1016', 8000, 1)],
  [2, fmt(2, 'G721', 8000, 1)],
  [3, fmt(3, 'GSM', 8000, 1)],
  [4, fmt(4, 'G723', 8000, 1)],
  [5, fmt(5, 'DVI4', 8000, 1)],
  [6, fmt(6, 'DVI4', 16000, 1)],
  [7, fmt(7, 'LPC', 8000, 1)],
  [8, fmt(8, 'PCMA', 8000, 1)],
  [9, fmt(9, 'G722', 8000, 1)],
  [10, fmt(10, 'L16', 44100, 2)],
  [11, fmt(11, 'L16', 44100, 1)],
  [12, fmt(12, 'QCELP', 8000, 1)],
  [13, fmt(13, 'CN', 8000, 1)],
  [14, fmt(14, 'MPA', 90000)],
  [15, fmt(15, 'G728', 8000, 1)],
  [16, fmt(16, 'DVI4', 11025, 1)],
  [17, fmt(17, 'DVI4', 22050, 1)],
  [18, fmt(18, 'G729', 8000, 1)],
  [19, fmt(19, 'CN', 8000, 1)],
  [25, fmt(25, 'CelB', 90000)],
  [26, fmt(26, 'JPEG', 90000)],
  [28, fmt(28, 'nv', 90000)],
  [31, fmt(31, 'H261', 90000)],
  [32, fmt(32, 'MPV', 90000)],
  [33, fmt(33, 'MP2T', 90000)],
  [34, fmt(34, 'H263', 90000)],
]);

/** RFC 4733 telephone-event on payload type 101 at 8000 Hz: the de facto default when no SDP says (tshark's rtpevent). */
const TELEPHONE_EVENT_101 = fmt(101, 'telephone-event', 8000);

/**
 * The format of payload type `pt` in a stream no SDP declared (heuristic detection): the RFC 3551 static table, and
 * 101 as RFC 4733 telephone-event/8000, which phones use when nothing is negotiated and tshark assumes (its rtpevent
 * payload type preference, default 101). Other dynamic types: undefined.
 */
export function unsignalledFormat(pt: number): PayloadFormat | undefined {
  return STATIC_PAYLOAD_FORMATS.get(pt) ?? (pt === 101 ? TELEPHONE_EVENT_101 : undefined);
}

/** Comfort noise payload types (RFC 3389 uses 13; 19 is the pre-RFC 3551 value). Not "regular" packets for jitter. */
export function isComfortNoise(pt: number): boolean {
  return pt === 13 || pt === 19;
}

/** Case-insensitive ASCII equality with a lower-case literal (no allocation). */
function eqIgnoreCase(s: string, lower: string): boolean {
  if (s.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((s.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/** RFC 4733 named telephone events (DTMF), case-insensitive encoding name. */
export function isTelephoneEvent(encoding: string): boolean {
  return eqIgnoreCase(encoding, 'telephone-event');
}

/**
 * The RTP clock rate (Hz) used to convert RTP timestamp differences to time for the interarrival jitter
 * (RFC 3550 §6.4.1), or 0 when jitter must not be computed for the format:
 * - telephone-event: 0 — RFC 4733 §2.2.1 keeps one timestamp for all packets of an event (tshark does the same);
 * - G722: 8000 whatever an rtpmap says (RFC 3551 §4.5.2);
 * - otherwise the format's clock rate (0 when unknown).
 */
export function jitterClockRate(f: PayloadFormat | undefined): number {
  if (f === undefined) return 0;
  if (isTelephoneEvent(f.encoding)) return 0;
  if (eqIgnoreCase(f.encoding, 'g722')) return 8000;
  return f.clockRate > 0 && Number.isFinite(f.clockRate) ? f.clockRate : 0;
}

/** Short name for a payload type: the encoding name when known, else `PT<n>` (e.g. `PT100`). */
export function payloadName(pt: number, f: PayloadFormat | undefined): string {
  return f !== undefined && f.encoding !== '' ? f.encoding : `PT${pt}`;
}

/**
 * RFC 4733 §3.2 event codes 0-16 as DTMF characters (0-9, *, #, A-D, flash as `!`); other events (RFC 4734 modem and
 * fax tones such as 32 ANS, 36 CNG) as `[<code>]`.
 */
export function dtmfChar(event: number): string {
  return event >= 0 && event <= 16 ? '0123456789*#ABCD!'[event]! : `[${event}]`;
}
