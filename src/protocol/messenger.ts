// One generic request/response + event messenger used on both sides of the webview boundary. It only needs a
// `post` function and to be fed incoming data; it knows nothing about vscode or the DOM. Guarantees: every request
// settles (reply, error reply, timeout, or rejection on dispose); handler exceptions become error replies; every
// envelope carries the protocol version and envelopes of another version are refused.
import { unreachable } from './assert';

/** A request's parameter and result types. */
export interface RequestSpec {
  params: unknown;
  result: unknown;
}

/** method name -> spec. */
export type RequestMap = { [method: string]: RequestSpec };

/** Functions answering the requests of a map (may be async; a throw becomes an error reply). */
export type RequestHandlers<M extends RequestMap> = {
  [K in keyof M]: (params: M[K]['params']) => M[K]['result'] | Promise<M[K]['result']>;
};

/** Why a request failed. */
export type MessengerErrorCode =
  | 'timeout' //          no reply within the timeout
  | 'disposed' //         this messenger was disposed while waiting (or before sending)
  | 'handler-error' //    the remote handler threw or rejected
  | 'unknown-method' //   the remote has no handler for the method
  | 'version-mismatch' // the other side speaks another PROTOCOL_VERSION
  | 'post-failed'; //     the post function threw (e.g. the panel is gone)

/** Error carried by rejected requests and reported to onProtocolError. */
export class MessengerError extends Error {
  constructor(
    readonly code: MessengerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MessengerError';
  }
}

/** Marks our envelopes so foreign `message` events (other scripts, VS Code internals) are ignored. */
export const ENVELOPE_CHANNEL = 'sipscope';

interface EnvelopeBase {
  channel: typeof ENVELOPE_CHANNEL;
  /** Protocol version of the sender. */
  v: number;
}

export type Envelope = EnvelopeBase &
  (
    | { kind: 'request'; id: number; method: string; params: unknown }
    | { kind: 'response'; id: number; ok: true; result: unknown }
    | { kind: 'response'; id: number; ok: false; error: { code: MessengerErrorCode; message: string } }
    | { kind: 'event'; event: unknown }
  );

export interface MessengerOptions<Local extends RequestMap, InEvent> {
  /** Sends one envelope to the other side (webview.postMessage / vscode.postMessage / a test bridge). */
  post: (envelope: Envelope) => void | PromiseLike<unknown>;
  /** This side's protocol version (PROTOCOL_VERSION). */
  version: number;
  /** Handlers for requests from the other side; missing ones answer `unknown-method`. */
  handlers?: Partial<RequestHandlers<Local>>;
  /** Called with each event from the other side. */
  onEvent?: (event: InEvent) => void;
  /** Problems that do not belong to one of our requests (bad envelopes, foreign versions, failed replies). */
  onProtocolError?: (error: MessengerError) => void;
  /** Default request timeout in ms (default 30 000). 0 or Infinity disables it. */
  timeoutMs?: number;
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: MessengerError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Typed messenger. `Remote` = requests this side sends (the other side handles them), `Local` = requests this side
 * handles, `OutEvent` / `InEvent` = events sent / received.
 */
export class Messenger<Remote extends RequestMap, Local extends RequestMap, OutEvent, InEvent> {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;

  constructor(private readonly opts: MessengerOptions<Local, InEvent>) {}

  /** Number of requests still waiting for a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Send a request; resolves with the remote handler's result. Rejects with a MessengerError on an error reply,
   * timeout, version mismatch, failed post, or when the messenger is disposed first.
   */
  request<K extends keyof Remote & string>(
    method: K,
    params: Remote[K]['params'],
    options: { timeoutMs?: number } = {},
  ): Promise<Remote[K]['result']> {
    if (this.disposed) return Promise.reject(new MessengerError('disposed', `messenger disposed; ${method} not sent`));
    const id = this.nextId++;
    return new Promise<Remote[K]['result']>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.opts.timeoutMs ?? 30_000;
      const timer =
        timeoutMs > 0 && Number.isFinite(timeoutMs)
          ? setTimeout(() => {
              if (this.pending.delete(id)) reject(new MessengerError('timeout', `${method} timed out after ${timeoutMs} ms`));
            }, timeoutMs)
          : undefined;
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.send({ kind: 'request', id, method, params }, (err) => this.settle(id, err));
    });
  }

  /** Send an event (fire and forget). Dropped after dispose. */
  notify(event: OutEvent): void {
    if (this.disposed) return;
    this.send({ kind: 'event', event }, (err) => this.opts.onProtocolError?.(err));
  }

  /**
   * Feed one incoming message. Returns false when it is not one of our envelopes (ignored), true otherwise.
   * Never throws: problems go to the request they concern or to onProtocolError.
   */
  receive(data: unknown): boolean {
    if (!isEnvelope(data)) return false;
    if (this.disposed) return true;
    if (data.v !== this.opts.version) {
      this.onForeignVersion(data);
      return true;
    }
    switch (data.kind) {
      case 'request':
        void this.handle(data.id, data.method, data.params);
        return true;
      case 'response': {
        const p = this.pending.get(data.id);
        if (!p) return true; // late reply to a request that timed out: nothing waits for it any more
        this.pending.delete(data.id);
        if (p.timer !== undefined) clearTimeout(p.timer);
        if (data.ok) p.resolve(data.result);
        else p.reject(new MessengerError(data.error.code, `${p.method}: ${data.error.message}`));
        return true;
      }
      case 'event':
        try {
          this.opts.onEvent?.(data.event as InEvent);
        } catch (e) {
          this.opts.onProtocolError?.(new MessengerError('handler-error', `event handler threw: ${errorText(e)}`));
        }
        return true;
      default:
        return unreachable(data, 'envelope kind');
    }
  }

  /** Reject every pending request with `disposed`, stop timers, ignore everything from now on. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.reject(new MessengerError('disposed', `messenger disposed while ${p.method} was pending`));
    }
  }

  private async handle(id: number, method: string, params: unknown): Promise<void> {
    const handler = (this.opts.handlers as Record<string, ((p: unknown) => unknown) | undefined> | undefined)?.[method];
    if (typeof handler !== 'function' || !Object.prototype.hasOwnProperty.call(this.opts.handlers, method)) {
      this.reply(id, { ok: false, error: { code: 'unknown-method', message: `no handler for ${method}` } });
      return;
    }
    try {
      const result = await handler(params);
      this.reply(id, { ok: true, result });
    } catch (e) {
      this.reply(id, { ok: false, error: { code: 'handler-error', message: errorText(e) } });
    }
  }

  private reply(
    id: number,
    body: { ok: true; result: unknown } | { ok: false; error: { code: MessengerErrorCode; message: string } },
  ): void {
    if (this.disposed) return;
    this.send({ kind: 'response', id, ...body }, (err) => this.opts.onProtocolError?.(err));
  }

  private onForeignVersion(data: Envelope): void {
    const message = `protocol version mismatch: got ${data.v}, expected ${this.opts.version}`;
    if (data.kind === 'request') {
      this.reply(data.id, { ok: false, error: { code: 'version-mismatch', message } });
    } else if (data.kind === 'response') {
      const p = this.pending.get(data.id);
      if (p) {
        this.pending.delete(data.id);
        if (p.timer !== undefined) clearTimeout(p.timer);
        p.reject(new MessengerError('version-mismatch', `${p.method}: ${message}`));
        return;
      }
    }
    this.opts.onProtocolError?.(new MessengerError('version-mismatch', message));
  }

  /** Post an envelope; a synchronous throw or a rejected thenable is passed to `onError`. */
  private send(body: DistributiveOmit<Envelope, 'channel' | 'v'>, onError: (err: MessengerError) => void): void {
    const envelope = { channel: ENVELOPE_CHANNEL, v: this.opts.version, ...body } as Envelope;
    try {
      const r = this.opts.post(envelope);
      if (r && typeof (r as PromiseLike<unknown>).then === 'function') {
        (r as PromiseLike<unknown>).then(undefined, (e: unknown) => onError(new MessengerError('post-failed', errorText(e))));
      }
    } catch (e) {
      onError(new MessengerError('post-failed', errorText(e)));
    }
  }

  private settle(id: number, err: MessengerError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.reject(new MessengerError(err.code, `${p.method}: ${err.message}`));
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** True for objects shaped like one of our envelopes (cheap structural check, not validation of payloads). */
export function isEnvelope(data: unknown): data is Envelope {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  if (d.channel !== ENVELOPE_CHANNEL || typeof d.v !== 'number') return false;
  switch (d.kind) {
    case 'request':
      return typeof d.id === 'number' && typeof d.method === 'string';
    case 'response':
      return typeof d.id === 'number' && typeof d.ok === 'boolean' && (d.ok || typeof d.error === 'object');
    case 'event':
      return true;
    default:
      return false;
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return typeof e === 'string' ? e : JSON.stringify(e);
  } catch {
    return String(e);
  }
}
