// End-to-end in real VS Code (code-server + Debian chromium via playwright-core): install the built .vsix, double-click
// a project sample .pcap, and check that the SIPScope capture editor (not a hex dump) shows the calls, the ladder of
// the selected call, the message of a clicked arrow, the status bar counts, and "Open as text" opens a SIP document.
// Run: npm run test:e2e   (or: node --test --test-concurrency=1 test/e2e/ after scripts/install-e2e-tools.sh)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, missingTools, startCodeServer } from './code-server.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = path.join(REPO, 'samples/captures/calls-mixed-outcomes.pcap');
const SHOTS = process.env.SHOTS ?? path.join(REPO, 'test-output/e2e');
const EXTENSION_ID = 'sipscope.sipscope';

const t0 = Date.now();
const lap = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(2)}s] ${m}`);
const skip = missingTools() ?? (fs.existsSync(SAMPLE) ? false : `sample ${SAMPLE} missing`);
if (skip) console.log(`# capture editor e2e SKIPPED: ${skip}`);

/** The .vsix to install: $VSIX, else sipscope.vsix when newer than the bundles and manifest, else `npm run package`. */
function vsixPath() {
  if (process.env.VSIX) return process.env.VSIX;
  const vsix = path.join(REPO, 'sipscope.vsix');
  const inputs = ['package.json', 'dist/extension.js', 'dist/webview.js', 'dist/webview.css'].map((f) => path.join(REPO, f));
  const fresh = fs.existsSync(vsix) && inputs.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs <= fs.statSync(vsix).mtimeMs);
  if (!fresh) {
    execFileSync('npm', ['run', 'package', '--silent'], { cwd: REPO, stdio: 'inherit' });
    lap('vsix packaged');
  }
  return vsix;
}

let cs;
let ctx;
let page;
let root;
/** The capture editor's webview content (outer webview iframe -> inner active frame). */
let webview;

before(async () => {
  if (skip) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  const vsix = vsixPath();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sipscope-e2e-capture-'));
  const ws = path.join(root, 'workspace');
  fs.mkdirSync(ws, { recursive: true });
  fs.copyFileSync(SAMPLE, path.join(ws, path.basename(SAMPLE)));
  // A one-line SIP file: once its editor shows the language mode "SIP", the remote extension host has registered
  // the extension's contributions (languages and custom editors arrive together), so the .pcap double-click below
  // is resolved to the custom editor instead of racing the registration.
  fs.writeFileSync(path.join(ws, 'probe.sip'), 'OPTIONS sip:probe@example.com SIP/2.0\r\n\r\n');
  cs = await startCodeServer({ root, vsix, folder: ws, log: lap });
  ctx = await chromium.launchPersistentContext(path.join(root, 'chrome-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(30_000);
  await page.goto(`${cs.url}/?folder=${encodeURIComponent(ws)}`);
  await page.locator('.monaco-workbench').waitFor();
  await page.getByRole('treeitem', { name: path.basename(SAMPLE) }).waitFor();
  await page.getByRole('treeitem', { name: 'probe.sip' }).dblclick();
  await page.locator('[id="status.editor.mode"]').filter({ hasText: 'SIP' }).waitFor();
  lap('extension contributions registered');
  // Code 1.139 opens an empty secondary side bar (chat) even with AI features off: close it for roomier screenshots.
  if (await page.locator('.part.auxiliarybar').isVisible()) {
    await page.keyboard.press('Control+Alt+B'); // View: Toggle Secondary Side Bar Visibility
    await page.locator('.part.auxiliarybar').waitFor({ state: 'hidden' });
  }
  webview = page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('iframe#active-frame');
  lap('workbench + explorer ready');
});

after(async () => {
  if (skip) return;
  if (page && process.exitCode) await page.screenshot({ path: path.join(SHOTS, 'capture-failure.png') }).catch(() => {});
  await ctx?.close();
  await cs?.stop();
  if (!process.env.KEEP) fs.rmSync(root, { recursive: true, force: true });
  else lap(`kept ${root}`);
});

test('double-clicking a .pcap opens the SIPScope capture editor with its calls', { skip, timeout: 120_000 }, async () => {
  await page.getByRole('treeitem', { name: path.basename(SAMPLE) }).dblclick();
  // The tab is the custom editor (a webview), not the text/hex editor.
  await webview.locator('#app[data-state="ready"]').waitFor();
  await webview.locator('.calls[data-state="ready"]').waitFor();
  await webview.locator('.summary').filter({ hasText: '10 calls' }).waitFor();
  assert.equal(await webview.locator('.call-row:not([hidden])').count(), 10);
  assert.equal(await webview.locator('.call-row[data-call="1"] .cell.state').textContent(), 'busy');
  // Status bar item of the active capture editor.
  await page.locator('.statusbar-item').filter({ hasText: '10 calls' }).first().waitFor();
  lap('call list ok');
});

test('selecting a call shows its ladder; clicking an arrow shows the message', { skip, timeout: 120_000 }, async () => {
  await webview.locator('.call-row[data-call="0"]').click();
  await webview.locator('.ladder[data-state="ready"]').waitFor();
  await webview.locator('g.arrow').nth(6).waitFor();
  assert.equal(await webview.locator('g.arrow').count(), 7);
  const labels = await webview.locator('g.arrow .label').allTextContents();
  assert.deepEqual(labels, ['INVITE (SDP)', '100 Trying', '180 Ringing', '200 OK (SDP)', 'ACK', 'BYE', '200 OK']);
  await webview.locator('g.arrow').first().locator('.label').click();
  await webview.locator('.detail[data-state="ready"]').waitFor();
  assert.equal(await webview.locator('.detail-label').textContent(), 'INVITE');
  assert.equal(await webview.locator('.detail .frame').textContent(), '1');
  assert.equal(await webview.locator('.detail pre.sip .t-method').first().textContent(), 'INVITE');
  await webview.locator('.detail pre.sdp').waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'capture-editor.png') });
  lap('ladder + detail ok');
});

test('"Open as text" opens the message in a SIP editor', { skip, timeout: 120_000 }, async () => {
  await webview.locator('.detail vscode-button[data-action="open-text"]').click();
  await page.locator('.monaco-editor .view-lines').filter({ hasText: 'INVITE sip:bob@' }).first().waitFor();
  await page.locator('[id="status.editor.mode"]').filter({ hasText: 'SIP' }).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'capture-open-as-text.png') });
  lap('open as text ok');
});
