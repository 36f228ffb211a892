// Tests for the shared host <-> webview messenger: replies, error replies, handler throws, timeouts, dispose,
// version mismatch, events, foreign messages and failing posts. Two messengers are wired back to back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENVELOPE_CHANNEL, Messenger, MessengerError, isEnvelope, type Envelope } from '../../src/protocol/messenger';

type HostSide = {
  add: { params: { a: number; b: number }; result: number };
  boom: { params: { msg: string }; result: never };
  slow: { params: Record<string, never>; result: string };
  rejects: { params: Record<string, never>; result: never };
};
type WebSide = Record<never, never>;
type WebEvent = { type: 'ready' } | { type: 'selection'; ids: number[] };
type HostEvent = { type: 'update'; n: number };

/** Two messengers connected through a queue (delivery in a later microtask, like postMessage). */
function pair(opts: { hostVersion?: number; webVersion?: number; timeoutMs?: number } = {}) {
  const hostInbox: unknown[] = [];
  const webInbox: unknown[] = [];
  const hostEvents: WebEvent[] = [];
  const webEvents: HostEvent[] = [];
  const hostErrors: MessengerError[] = [];
  const webErrors: MessengerError[] = [];
  let slowResolve: ((v: string) => void) | undefined;
  const host = new Messenger<WebSide, HostSide, HostEvent, WebEvent>({
    post: (e) => void queueMicrotask(() => web.receive(e)),
    version: opts.hostVersion ?? 1,
    handlers: {
      add: ({ a, b }) => a + b,
      boom: ({ msg }) => {
        throw new Error(msg);
      },
      slow: () => new Promise<string>((r) => (slowResolve = r)),
      rejects: () => Promise.reject(new TypeError('async failure')),
    },
    onEvent: (e) => hostEvents.push(e),
    onProtocolError: (e) => hostErrors.push(e),
  });
  const web = new Messenger<HostSide, WebSide, WebEvent, HostEvent>({
    post: (e) => void queueMicrotask(() => host.receive(e)),
    version: opts.webVersion ?? 1,
    onEvent: (e) => webEvents.push(e),
    onProtocolError: (e) => webErrors.push(e),
    timeoutMs: opts.timeoutMs,
  });
  return { host, web, hostInbox, webInbox, hostEvents, webEvents, hostErrors, webErrors, resolveSlow: (v: string) => slowResolve?.(v) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Messenger', () => {
  it('answers a request with the handler result and clears the pending map', async () => {
    const { web } = pair();
    const p = web.request('add', { a: 2, b: 3 });
    expect(web.pendingCount).toBe(1);
    await expect(p).resolves.toBe(5);
    expect(web.pendingCount).toBe(0);
  });

  it('turns a throwing handler into an error reply (rejects with handler-error and the message)', async () => {
    const { web } = pair();
    const err = await web.request('boom', { msg: 'kaput' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessengerError);
    expect((err as MessengerError).code).toBe('handler-error');
    expect((err as MessengerError).message).toContain('kaput');
    expect((err as MessengerError).message).toContain('boom');
    expect(web.pendingCount).toBe(0);
  });

  it('turns a rejecting async handler into an error reply', async () => {
    const { web } = pair();
    await expect(web.request('rejects', {})).rejects.toMatchObject({ code: 'handler-error', message: expect.stringContaining('async failure') });
  });

  it('answers unknown methods with an error reply, including Object.prototype names', async () => {
    const { web } = pair();
    const w = web as unknown as Messenger<Record<string, { params: unknown; result: unknown }>, WebSide, WebEvent, HostEvent>;
    await expect(w.request('nope', {})).rejects.toMatchObject({ code: 'unknown-method' });
    await expect(w.request('toString', {})).rejects.toMatchObject({ code: 'unknown-method' });
  });

  it('rejects with timeout when no reply comes, and ignores the late reply', async () => {
    vi.useFakeTimers();
    const { web, resolveSlow, webErrors } = pair({ timeoutMs: 50 });
    const p = web.request('slow', {});
    const settled = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(49);
    expect(web.pendingCount).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const err = (await settled) as MessengerError;
    expect(err.code).toBe('timeout');
    expect(web.pendingCount).toBe(0);
    resolveSlow('too late');
    await vi.runAllTimersAsync();
    expect(webErrors).toEqual([]);
  });

  it('per-request timeout overrides the default; 0 disables it', async () => {
    vi.useFakeTimers();
    const { web, resolveSlow } = pair({ timeoutMs: 10 });
    const p = web.request('slow', {}, { timeoutMs: 0 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(web.pendingCount).toBe(1);
    resolveSlow('done');
    await expect(p).resolves.toBe('done');
  });

  it('dispose rejects every pending request with disposed, and later requests immediately', async () => {
    const { web } = pair();
    const a = web.request('slow', {});
    const b = web.request('slow', {});
    expect(web.pendingCount).toBe(2);
    web.dispose();
    await expect(a).rejects.toMatchObject({ code: 'disposed' });
    await expect(b).rejects.toMatchObject({ code: 'disposed' });
    expect(web.pendingCount).toBe(0);
    await expect(web.request('add', { a: 1, b: 1 })).rejects.toMatchObject({ code: 'disposed' });
    web.dispose(); // idempotent
  });

  it('a disposed host answers nothing, so the requester settles by timeout', async () => {
    vi.useFakeTimers();
    const { web, host } = pair({ timeoutMs: 100 });
    host.dispose();
    const p = web.request('add', { a: 1, b: 2 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(((await p) as MessengerError).code).toBe('timeout');
  });

  it('refuses requests from another protocol version with a version-mismatch error reply', async () => {
    const { web, hostErrors } = pair({ hostVersion: 2, webVersion: 1 });
    const err = (await web.request('add', { a: 1, b: 2 }).catch((e: unknown) => e)) as MessengerError;
    // The host replied with its own version (2), which the webview (1) refuses too: either way, version-mismatch.
    expect(err.code).toBe('version-mismatch');
    expect(err.message).toMatch(/version mismatch/);
    // The receiving side also reports it (the host logs that the webview bundle is stale).
    expect(hostErrors.map((e) => e.code)).toEqual(['version-mismatch']);
  });

  it('rejects a pending request when the reply carries another version', async () => {
    const replies: Envelope[] = [];
    const web = new Messenger<HostSide, WebSide, WebEvent, HostEvent>({ post: (e) => void replies.push(e), version: 3 });
    const p = web.request('add', { a: 1, b: 1 });
    const sent = replies[0]!;
    expect(sent.kind).toBe('request');
    web.receive({ channel: ENVELOPE_CHANNEL, v: 4, kind: 'response', id: (sent as { id: number }).id, ok: true, result: 2 });
    await expect(p).rejects.toMatchObject({ code: 'version-mismatch' });
  });

  it('reports events of another version as protocol errors instead of delivering them', () => {
    const errors: MessengerError[] = [];
    const events: unknown[] = [];
    const m = new Messenger<WebSide, WebSide, never, HostEvent>({ post: () => {}, version: 1, onEvent: (e) => events.push(e), onProtocolError: (e) => errors.push(e) });
    expect(m.receive({ channel: ENVELOPE_CHANNEL, v: 9, kind: 'event', event: { type: 'update', n: 1 } })).toBe(true);
    expect(events).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['version-mismatch']);
  });

  it('delivers events both ways, in order', async () => {
    const { host, web, hostEvents, webEvents } = pair();
    web.notify({ type: 'ready' });
    web.notify({ type: 'selection', ids: [1, 2] });
    host.notify({ type: 'update', n: 7 });
    await Promise.resolve();
    await Promise.resolve();
    expect(hostEvents).toEqual([{ type: 'ready' }, { type: 'selection', ids: [1, 2] }]);
    expect(webEvents).toEqual([{ type: 'update', n: 7 }]);
  });

  it('ignores messages that are not its envelopes', () => {
    const { web } = pair();
    expect(web.receive({ type: 'ready' })).toBe(false);
    expect(web.receive(null)).toBe(false);
    expect(web.receive('hello')).toBe(false);
    expect(web.receive({ channel: 'other', v: 1, kind: 'event', event: {} })).toBe(false);
    expect(isEnvelope({ channel: ENVELOPE_CHANNEL, v: 1, kind: 'response', id: 1, ok: false })).toBe(false);
  });

  it('rejects with post-failed when posting throws or the post promise rejects', async () => {
    const sync = new Messenger<HostSide, WebSide, WebEvent, HostEvent>({
      post: () => {
        throw new Error('panel disposed');
      },
      version: 1,
    });
    await expect(sync.request('add', { a: 1, b: 1 })).rejects.toMatchObject({ code: 'post-failed', message: expect.stringContaining('panel disposed') });
    expect(sync.pendingCount).toBe(0);
    const async = new Messenger<HostSide, WebSide, WebEvent, HostEvent>({ post: () => Promise.reject(new Error('gone')), version: 1 });
    await expect(async.request('add', { a: 1, b: 1 })).rejects.toMatchObject({ code: 'post-failed' });
  });

  it('an event handler that throws is reported, not propagated', async () => {
    const errors: MessengerError[] = [];
    const m = new Messenger<WebSide, WebSide, never, HostEvent>({
      post: () => {},
      version: 1,
      onEvent: () => {
        throw new Error('render failed');
      },
      onProtocolError: (e) => errors.push(e),
    });
    expect(() => m.receive({ channel: ENVELOPE_CHANNEL, v: 1, kind: 'event', event: { type: 'update', n: 1 } })).not.toThrow();
    expect(errors[0]?.message).toContain('render failed');
  });

  it('every request settles under a mix of outcomes (no pending leak)', async () => {
    vi.useFakeTimers();
    const { web, host } = pair({ timeoutMs: 20 });
    const all = [
      web.request('add', { a: 1, b: 2 }),
      web.request('boom', { msg: 'x' }),
      web.request('slow', {}),
      web.request('rejects', {}),
    ].map((p) => p.then(() => 'ok', (e: MessengerError) => e.code));
    await vi.advanceTimersByTimeAsync(25);
    expect(await Promise.all(all)).toEqual(['ok', 'handler-error', 'timeout', 'handler-error']);
    expect(web.pendingCount).toBe(0);
    host.dispose();
  });
});
