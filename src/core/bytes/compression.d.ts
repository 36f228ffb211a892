// Ambient declarations for the WHATWG Compression Streams API (DecompressionStream) and the few stream members the
// core uses, which every runtime the core runs in provides (Node >= 18, browsers). Declared here because the core's
// tsconfig has no DOM lib and no @types/node, on purpose (see text/encoding.d.ts).
interface CoreStreamReadResult<T> {
  done: boolean;
  value?: T;
}
interface CoreStreamReader<T> {
  read(): Promise<CoreStreamReadResult<T>>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}
interface CoreStreamWriter<T> {
  write(chunk: T): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
  releaseLock(): void;
}
declare class DecompressionStream {
  constructor(format: 'gzip' | 'deflate' | 'deflate-raw');
  readonly readable: { getReader(): CoreStreamReader<Uint8Array> };
  readonly writable: { getWriter(): CoreStreamWriter<Uint8Array> };
}
