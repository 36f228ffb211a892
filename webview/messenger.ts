// Webview end of the host <-> webview channel: the shared protocol Messenger over acquireVsCodeApi().postMessage
// and window `message` events.
import { Messenger, type MessengerError } from '../src/protocol/messenger';
import {
  PROTOCOL_VERSION,
  type HostRequests,
  type HostToWebview,
  type Requests,
  type WebviewToHost,
} from '../src/protocol/webview';

/** The part of the VS Code webview API we use. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export type WebviewMessenger = Messenger<Requests, HostRequests, WebviewToHost, HostToWebview>;

/** Connect a messenger to the window; `dispose()` removes the listener and rejects pending requests. */
export function connectWebviewMessenger(
  api: VsCodeApi,
  onEvent: (event: HostToWebview) => void,
  onError: (error: MessengerError) => void,
): { messenger: WebviewMessenger; dispose(): void } {
  const messenger: WebviewMessenger = new Messenger<Requests, HostRequests, WebviewToHost, HostToWebview>({
    post: (envelope) => api.postMessage(envelope),
    version: PROTOCOL_VERSION,
    handlers: {},
    onEvent,
    onProtocolError: onError,
    timeoutMs: 60_000,
  });
  const listener = (e: MessageEvent): void => {
    messenger.receive(e.data);
  };
  window.addEventListener('message', listener);
  return {
    messenger,
    dispose() {
      window.removeEventListener('message', listener);
      messenger.dispose();
    },
  };
}
