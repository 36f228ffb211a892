// readCapture: the streaming entry point over a ByteSource: detect the format, then run the pcap or pcapng reader.
import { DEFAULT_CHUNK_BYTES, type ByteSource } from '../bytes/byte-source';
import { ChunkCursor } from '../bytes/cursor';
import { detectCaptureFormat } from './detect';
import { readPcap } from './pcap';
import { readPcapng } from './pcapng';
import { type CaptureProblem, ProblemCollector } from './problems';
import type { CaptureFormat, CaptureInterface, CaptureRecord } from './types';

export interface ReadCaptureOptions {
  /** Bytes per read from the source (default 4 MiB). Output does not depend on it. */
  chunkSize?: number;
  /** Where problems are counted (a private collector is used when omitted). */
  problems?: ProblemCollector;
  /** Called after each chunk and at the end with absolute bytes consumed and the source size. */
  onProgress?: (bytesDone: number, total: number) => void;
  /** Polled between chunks; returning true stops reading (`cancelled: true` in the result). */
  isCancelled?: () => boolean;
  /**
   * pcapng Decryption Secrets Blocks (§4.7) of a known type, in file order, before the packets they apply to:
   * 'tls-keylog' = NSS key log text (bytes valid only during the call).
   */
  onSecrets?: (type: 'tls-keylog', data: Uint8Array) => void;
}

export interface CaptureReadResult {
  format: CaptureFormat;
  /** Packet records handed to onRecord (= last frame number). */
  records: number;
  /** pcap: one entry; pcapng: every IDB of every section, index = CaptureRecord.interfaceId. */
  interfaces: CaptureInterface[];
  /** Bytes of the file consumed (== size on a clean read). */
  bytesRead: number;
  /**
   * Set when the file is not a readable capture: not pcap/pcapng, or a header that stops reading before any record
   * (also reported to problems). Damage after records were read is only a problem: those records are kept.
   */
  fatal?: CaptureProblem;
  cancelled: boolean;
}

/** Shared state between readCapture and the format readers (not part of the public API). */
export interface ReadContext {
  cursor: ChunkCursor;
  onRecord: (r: CaptureRecord) => void;
  problems: ProblemCollector;
  isCancelled?: () => boolean;
  onSecrets?: (type: 'tls-keylog', data: Uint8Array) => void;
  interfaces: CaptureInterface[];
  records: number;
  bytesRead: number;
  cancelled: boolean;
  fatal?: CaptureProblem;
  /** Report an error problem that ends reading (also kept as `fatal`). */
  fail(code: string, message: string, frame?: number, offset?: number): void;
  /** Report progress (absolute offset reached). */
  progress(bytesDone: number): void;
}

/**
 * Stream a pcap or pcapng capture from `source`, calling `onRecord` synchronously once per packet record, in file
 * order, with `frame` = 1-based packet record number. `record.data` is a VIEW into the current read chunk, valid
 * only during the callback (copy to keep). The file is read in `chunkSize` pieces; records spanning chunk ends and
 * records bigger than a chunk are handled. Never throws on bad input (rejects only when the source's read does):
 * anything that is not a capture gives `format: 'unknown'`, no records and `fatal`; damage mid-file is reported
 * to `problems`, everything before it is kept, and reading resumes at the next plausible records when there are any.
 */
export async function readCapture(
  source: ByteSource,
  onRecord: (r: CaptureRecord) => void,
  opts: ReadCaptureOptions = {},
): Promise<CaptureReadResult> {
  const problems = opts.problems ?? new ProblemCollector();
  const chunkSize = Math.max(64, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_BYTES));
  const cursor = new ChunkCursor(source, chunkSize);
  const total = source.size;
  const onProgress = opts.onProgress;
  const ctx: ReadContext = {
    cursor,
    onRecord,
    problems,
    interfaces: [],
    records: 0,
    bytesRead: 0,
    cancelled: false,
    fail(code, message, frame, offset) {
      problems.report(code, 'error', message, frame, offset);
      if (!ctx.fatal) {
        const p: CaptureProblem = { code, severity: 'error', message };
        if (frame !== undefined) p.frame = frame;
        if (offset !== undefined) p.offset = offset;
        ctx.fatal = p;
      }
    },
    progress(done) {
      onProgress?.(done, total);
    },
  };
  if (opts.isCancelled) ctx.isCancelled = opts.isCancelled;
  if (opts.onSecrets) ctx.onSecrets = opts.onSecrets;

  await cursor.fill(0, Math.min(total, 512));
  const det = detectCaptureFormat(cursor.buf.subarray(0, Math.min(cursor.buf.length, 512)));
  let format: CaptureFormat = det.format;
  if (det.format === 'pcap') await readPcap(ctx, det);
  else if (det.format === 'pcapng') await readPcapng(ctx, det);
  else {
    format = 'unknown';
    const what = det.code === 'capture/empty-file' ? 'The file is empty' : `Not a pcap or pcapng capture: it looks like ${det.looksLike}`;
    ctx.fail(det.code, what, undefined, 0);
  }
  // No read may still be running when the import resolves (the caller may close the source next).
  await cursor.settle();
  onProgress?.(ctx.bytesRead, total);
  const result: CaptureReadResult = {
    format,
    records: ctx.records,
    interfaces: ctx.interfaces,
    bytesRead: ctx.bytesRead,
    cancelled: ctx.cancelled,
  };
  if (ctx.fatal && ctx.records === 0) result.fatal = ctx.fatal;
  return result;
}
