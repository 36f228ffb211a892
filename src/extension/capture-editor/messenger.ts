// Host end of the host <-> webview channel: the shared protocol Messenger over webview.postMessage and
// onDidReceiveMessage. Disposing it rejects pending requests and detaches the listener.
import * as vscode from 'vscode';
import { Messenger, type MessengerError, type RequestHandlers } from '../../protocol/messenger';
import { PROTOCOL_VERSION, type HostRequests, type HostToWebview, type Requests, type WebviewToHost } from '../../protocol/webview';

export type HostMessenger = Messenger<HostRequests, Requests, HostToWebview, WebviewToHost>;

/** Connect a messenger to `webview`, serving `handlers`; returns it with a Disposable. */
export function connectHostMessenger(
  webview: vscode.Webview,
  handlers: RequestHandlers<Requests>,
  onEvent: (event: WebviewToHost) => void,
  onError: (error: MessengerError) => void,
): { messenger: HostMessenger; disposable: vscode.Disposable } {
  const messenger: HostMessenger = new Messenger<HostRequests, Requests, HostToWebview, WebviewToHost>({
    post: (envelope) => webview.postMessage(envelope),
    version: PROTOCOL_VERSION,
    handlers,
    onEvent,
    onProtocolError: onError,
  });
  const sub = webview.onDidReceiveMessage((data: unknown) => messenger.receive(data));
  return {
    messenger,
    disposable: new vscode.Disposable(() => {
      sub.dispose();
      messenger.dispose();
    }),
  };
}
