// Tests for the webview HTML shell: strict CSP with a nonce, no inline styles or remote content, attribute escaping.
import { describe, expect, it } from 'vitest';
import { makeNonce, renderWebviewHtml, webviewCsp } from '../../../src/extension/capture-editor/html';

describe('webview html', () => {
  it('has a strict CSP: scripts by nonce only, no unsafe-inline/eval, nothing remote', () => {
    const csp = webviewCsp('https://file+.vscode-resource.vscode-cdn.net', 'abc');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-abc'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/\*|\*;/);
    // Media only from object URLs the page makes (decoded RTP audio), never from the network or the file system.
    expect(csp).toContain('media-src blob:;');
    expect(csp).toContain("connect-src 'none'");
    const html = renderWebviewHtml({ cspSource: 'vscode-resource:', nonce: 'n"1', scriptUri: 'x.js?a=1&b=2', styleUri: 's.css' });
    expect(html).toContain('nonce="n&quot;1"');
    expect(html).toContain('src="x.js?a=1&amp;b=2"');
    expect(html).not.toMatch(/style="/);
    expect(html).not.toMatch(/<script>(?!<)/); // every script tag has the nonce attribute
  });

  it('makes distinct url-safe nonces', () => {
    const a = makeNonce();
    expect(a).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(makeNonce()).not.toBe(a);
  });
});
