// Types shared by the capture readers (pcap, pcapng) and their consumers.

/**
 * One captured packet record (pcap record, pcapng EPB/SPB/OPB), as handed to the decoder. Readers may reuse the
 * object for the next record: it and its `data` are only valid during the callback (copy what you keep).
 */
export interface CaptureRecord {
  /** 1-based record number in the file, counting only packet records (as Wireshark's frame.number). */
  frame: number;
  /** Capture time: whole seconds since the Unix epoch (UTC). */
  timeSec: number;
  /** Capture time: nanoseconds within `timeSec`, 0..999_999_999 (microsecond pcaps give multiples of 1000). */
  timeNsec: number;
  /** libpcap LINKTYPE_* value of the record's interface (pcap: file header; pcapng: its IDB). */
  linkType: number;
  /** pcapng interface id (0 for classic pcap). */
  interfaceId: number;
  /** Captured bytes (length = captured length, <= snaplen). A view that is ONLY valid during the callback: copy to keep. */
  readonly data: Uint8Array;
  /**
   * Optional zero-copy form of `data`: data = buf.subarray(dataStart, dataEnd). The readers set it (and create
   * `data` only when someone reads it), so the decoder can skip a view allocation per packet.
   */
  buf?: Uint8Array;
  dataStart?: number;
  dataEnd?: number;
  /** Original length of the packet on the wire (may exceed data.length when the snaplen cut it). */
  originalLength: number;
  /** Absolute byte offset of data[0] in the capture file, so message bytes can be re-read later. */
  fileOffset: number;
}

export type CaptureFormat = 'pcap' | 'pcapng' | 'unknown';

/** Summary of one pcapng interface (IDB) or the single pcap "interface". */
export interface CaptureInterface {
  id: number;
  linkType: number;
  snapLength: number;
  /** Timestamp units per second (pcap: 1e6 or 1e9; pcapng: from if_tsresol, default 1e6). */
  tsUnitsPerSecond: number;
  /** if_tsoffset in seconds (pcapng), else 0. */
  tsOffsetSec: number;
  name?: string;
}

/** The record object the readers reuse: `data` is a view created on first access (see CaptureRecord.buf). */
export class RecordView implements CaptureRecord {
  frame = 0;
  timeSec = 0;
  timeNsec = 0;
  linkType = 0;
  interfaceId = 0;
  originalLength = 0;
  fileOffset = 0;
  buf: Uint8Array = new Uint8Array(0);
  dataStart = 0;
  dataEnd = 0;
  private view: Uint8Array | undefined;

  get data(): Uint8Array {
    return (this.view ??= this.buf.subarray(this.dataStart, this.dataEnd));
  }

  /** Point the record at buf[start, end). */
  setData(buf: Uint8Array, start: number, end: number): void {
    this.buf = buf;
    this.dataStart = start;
    this.dataEnd = end;
    this.view = undefined;
  }
}
