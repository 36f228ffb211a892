// Test/bench harness: the real capture editor webview page (dist/webview.js + the real HTML/CSP) in headless
// Chromium, with acquireVsCodeApi stubbed so that its messages reach the REAL host-side request handlers
// (CaptureSession) through the real protocol Messenger, running in Node. Also VS Code-like theme variables.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Messenger } from '../../src/protocol/messenger';
import { PROTOCOL_VERSION, type HostRequests, type HostToWebview, type Requests, type ViewDefaults, type WebviewToHost } from '../../src/protocol/webview';
import { renderWebviewHtml } from '../../src/extension/capture-editor/html';
import type { CaptureSession } from '../../src/extension/capture-editor/session';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Repository root (tests and benchmarks run from it). */
const ROOT = process.env.SIPSCOPE_ROOT ?? process.cwd();
const ORIGIN = 'http://webview.test';

/** Build dist/webview.js (+ .css) unless it is newer than every webview source file. */
export function ensureWebviewBundle(): void {
  const out = join(ROOT, 'dist', 'webview.js');
  execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs'), 'webview'], { cwd: ROOT, stdio: 'pipe' });
  if (!existsSync(out) || statSync(out).size < 1000) throw new Error('webview bundle missing after build');
}

/** A subset of VS Code's theme variables (Dark Modern / Light Modern / High Contrast) set on <html> like VS Code does. */
export const THEMES: Record<'light' | 'dark' | 'high-contrast', { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-foreground': '#3b3b3b',
      '--vscode-editor-background': '#ffffff',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
      '--vscode-editor-font-size': '12px',
      '--vscode-list-activeSelectionBackground': '#e8e8e8',
      '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
      '--vscode-list-hoverBackground': '#f2f2f2',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-input-background': '#ffffff',
      '--vscode-input-foreground': '#3b3b3b',
      '--vscode-input-border': '#cecece',
      '--vscode-settings-textInputBackground': '#ffffff',
      '--vscode-settings-textInputBorder': '#cecece',
      '--vscode-settings-textInputForeground': '#3b3b3b',
      '--vscode-input-placeholderForeground': '#767676',
      '--vscode-settings-dropdownListBorder': '#cecece',
      '--vscode-settings-dropdownBackground': '#ffffff',
      '--vscode-settings-dropdownForeground': '#3b3b3b',
      '--vscode-settings-dropdownBorder': '#cecece',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-editorIndentGuide-activeBackground': '#939393',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-editorError-foreground': '#e51400',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-editorInfo-foreground': '#1a85ff',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-editorGroupHeader-tabsBackground': '#f8f8f8',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-foreground': '#cccccc',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
      '--vscode-editor-font-size': '12px',
      '--vscode-list-activeSelectionBackground': '#04395e',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-inactiveSelectionBackground': '#37373d',
      '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-sideBar-background': '#181818',
      '--vscode-editorGroupHeader-tabsBackground': '#181818',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-editorIndentGuide-activeBackground': '#707070',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-debugTokenExpression-name': '#c586c0',
      '--vscode-debugTokenExpression-string': '#ce9178',
      '--vscode-debugTokenExpression-number': '#b5cea8',
      '--vscode-debugTokenExpression-boolean': '#4e94ce',
      '--vscode-editorError-foreground': '#f14c4c',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-editorInfo-foreground': '#3794ff',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-foreground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-editorGroupHeader-tabsBackground': '#000000',
      '--vscode-sideBar-background': '#000000',
      '--vscode-editorWidget-background': '#0c141f',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-focusBorder': '#f38518',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-list-activeSelectionBackground': '#000000',
      '--vscode-list-inactiveSelectionBackground': '#000000',
      '--vscode-list-hoverBackground': '#000000',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
      '--vscode-settings-textInputBackground': '#000000',
      '--vscode-settings-textInputBorder': '#6fc3df',
      '--vscode-settings-textInputForeground': '#ffffff',
      '--vscode-settings-dropdownBackground': '#000000',
      '--vscode-settings-dropdownBorder': '#6fc3df',
      '--vscode-settings-dropdownForeground': '#ffffff',
      '--vscode-button-background': '#000000',
      '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-editorError-foreground': '#f48771',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-editorInfo-foreground': '#3794ff',
      '--vscode-textLink-foreground': '#21a6ff',
    },
  },
};

export interface CapturePage {
  page: Page;
  /** Events the webview sent to the host (ready, selection, log). */
  events: WebviewToHost[];
  /** CSP violations and page errors seen so far. */
  problems: string[];
  /** Push a captureUpdate to the webview (e.g. after session.update; NAT analysis changes are pushed automatically). */
  pushUpdate(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  theme?: keyof typeof THEMES;
  viewport?: { width: number; height: number };
  /** Initial getState() value (what VS Code restores when a hidden tab is shown again). */
  state?: unknown;
  defaults?: ViewDefaults;
  fileName?: string;
}

/**
 * Open the webview page for `session` and wait until it is built (the host's `init` handled). The host side runs
 * in this process: requests from the page are answered by `session.handlers()` through a real Messenger.
 */
export async function openCapturePage(browser: Browser, session: CaptureSession, opts: OpenOptions = {}): Promise<CapturePage> {
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
  const events: WebviewToHost[] = [];
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  const host: Messenger<HostRequests, Requests, HostToWebview, WebviewToHost> = new Messenger<HostRequests, Requests, HostToWebview, WebviewToHost>({
    post: (envelope) => page.evaluate((e) => window.postMessage(e, '*'), envelope).then(() => undefined),
    version: PROTOCOL_VERSION,
    handlers: session.handlers(),
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'ready') {
        host.notify({ type: 'init', fileName: opts.fileName ?? session.fileName, defaults: opts.defaults ?? { columns: 'endpoint', time: 'relative' }, summary: session.summary() });
      }
    },
    onProtocolError: (e) => {
      if (!page.isClosed()) problems.push(`protocol: ${e.code} ${e.message}`);
    },
  });
  await page.exposeFunction('__sipscopeToHost', (m: unknown) => {
    host.receive(m);
  });
  // A string, not a function: vitest's transform may inject helpers that do not exist in the page.
  await page.addInitScript(`
    window.__state = ${JSON.stringify(opts.state ?? null)} ?? undefined;
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => { window.__sipscopeToHost(m); },
      getState: () => window.__state,
      setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
    });`);
  const theme = THEMES[opts.theme ?? 'light'];
  const html = renderWebviewHtml({
    cspSource: ORIGIN,
    nonce: 'test-nonce-0123456789',
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUri: `${ORIGIN}/dist/webview.css`,
  });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    const file = join(ROOT, url.pathname);
    if (url.pathname.startsWith('/dist/') && existsSync(file)) {
      return route.fulfill({ contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(file) });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto(`${ORIGIN}/index.html`);
  // Theme variables on <html> and the theme class on <body>, as VS Code injects them (CSSOM, allowed by the CSP).
  await page.evaluate(
    ([vars, cls]) => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add(cls);
    },
    [theme.vars, theme.bodyClass] as const,
  );
  await page.locator('#app[data-state="ready"]').waitFor();
  // As the editor does: the NAT analysis' progress and results reach the webview as captureUpdate events.
  const stopListening = session.onDidChange(() => host.notify({ type: 'captureUpdate', summary: session.summary() }));
  // The analysis may have finished before the page was ready: make sure the page has the latest summary.
  host.notify({ type: 'captureUpdate', summary: session.summary() });
  return {
    page,
    events,
    problems,
    pushUpdate: async () => host.notify({ type: 'captureUpdate', summary: session.summary() }),
    close: async () => {
      stopListening();
      host.dispose();
      await page.close();
    },
  };
}

/** CSP violations recorded in the page. */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}
