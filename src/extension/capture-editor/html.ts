// The capture editor's webview HTML: a static shell (no capture data in it) with a strict CSP — nothing loads but
// the bundle's script (by nonce) and stylesheet (by cspSource). Pure, so the Chromium tests serve the same page.

export interface WebviewHtmlOptions {
  /** webview.cspSource (the origin bundle resources are served from). */
  cspSource: string;
  /** Fresh random nonce for the script tag. */
  nonce: string;
  /** URIs (as strings, from asWebviewUri) of dist/webview.js and dist/webview.css. */
  scriptUri: string;
  styleUri: string;
}

/** Content-Security-Policy of the capture editor page. */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    // Decoded RTP audio, played from object URLs the page makes itself.
    'media-src blob:',
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A random nonce (base64url, 128 bits) from the platform's crypto. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The whole HTML document. The webview script fills everything in through DOM APIs. */
export function renderWebviewHtml(o: WebviewHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>SIPScope capture</title>
</head>
<body>
<div id="app" data-state="loading"><p class="boot">Loading capture…</p></div>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}
