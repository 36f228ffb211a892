// End-to-end in real VS Code (code-server + Debian chromium via playwright-core): install the built .vsix, double-click
// a project sample .pcap, and check that the SIPScope capture editor (not a hex dump) shows the calls, the ladder of
// the selected call, the message of a clicked arrow, the status bar counts, "Open as text" opens a SIP document and
// "Export…" writes the call's HTML ladder;
// then open a lab capture of a call behind NAT: the findings panel shows nat/one-way-audio, the ladder its RTP streams;
// then a SIP-over-TLS capture with its key beside it: decrypted, its messages shown with transport TLS;
// then a call through a proxy: "Compare with previous hop" opens a diff of the INVITE the proxy received and sent.
// Run: npm run test:e2e   (or: node --test --test-concurrency=1 test/e2e/ after scripts/install-e2e-tools.sh)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { missingTools, openWorkbench, startCodeServer, vsixPath } from './code-server.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = path.join(REPO, 'samples/captures/calls-mixed-outcomes.pcap');
const LAB_NAT = path.join(REPO, 'samples/captures/lab/02-call-private-sdp-pub.pcap');
const TLS = path.join(REPO, 'samples/captures/tls/baresip-call-tls.pcap');
const TLS_KEY = path.join(REPO, 'samples/captures/tls/baresip-call-tls.key');
const PROXY = path.join(REPO, 'samples/captures/call-via-proxy-tcp.pcap');
const SHOTS = process.env.SHOTS ?? path.join(REPO, 'test-output/e2e');
const EXTENSION_ID = 'sipscope.sipscope';

const t0 = Date.now();
const lap = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(2)}s] ${m}`);
const skip = missingTools() ?? (fs.existsSync(SAMPLE) ? false : `sample ${SAMPLE} missing`);
if (skip) console.log(`# capture editor e2e SKIPPED: ${skip}`);

let cs;
let ctx;
let page;
let root;
/** The capture editor's webview content (outer webview iframe -> inner active frame). */
let webview;

before(async () => {
  if (skip) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  const vsix = vsixPath(lap);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sipscope-e2e-capture-'));
  const ws = path.join(root, 'workspace');
  fs.mkdirSync(ws, { recursive: true });
  fs.copyFileSync(SAMPLE, path.join(ws, path.basename(SAMPLE)));
  fs.copyFileSync(LAB_NAT, path.join(ws, path.basename(LAB_NAT)));
  // SIP over TLS with the server's key beside the capture (used without any setting).
  fs.copyFileSync(TLS, path.join(ws, path.basename(TLS)));
  fs.copyFileSync(TLS_KEY, path.join(ws, path.basename(TLS_KEY)));
  // A call through a proxy (the same INVITE on two hops: "Compare with previous hop").
  fs.copyFileSync(PROXY, path.join(ws, path.basename(PROXY)));
  // A one-line SIP file: once its editor shows the language mode "SIP", the remote extension host has registered
  // the extension's contributions (languages and custom editors arrive together), so the .pcap double-click below
  // is resolved to the custom editor instead of racing the registration.
  fs.writeFileSync(path.join(ws, 'probe.sip'), 'OPTIONS sip:probe@example.com SIP/2.0\r\n\r\n');
  cs = await startCodeServer({ root, vsix, folder: ws, log: lap });
  ({ ctx, page } = await openWorkbench(chromium, { root, url: cs.url, folder: ws, viewport: { width: 1600, height: 1000 } }));
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
  // The tab is the custom editor (a webview), not the text/hex editor.
  await openCapture(SAMPLE);
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
  // A read-only message document named after the capture and frame: nothing unsaved to ask about on close.
  const tab = page.locator('.tab').filter({ hasText: 'calls-mixed-outcomes.pcap frame 1 INVITE.sip' }).first();
  await tab.waitFor();
  assert.ok(!/\bdirty\b/.test((await tab.getAttribute('class')) ?? ''), 'the message document is not dirty');
  await page.screenshot({ path: path.join(SHOTS, 'capture-open-as-text.png') });
  lap('open as text ok');
});

test('a finding in the message detail opens the message as text with the cursor on it', { skip, timeout: 120_000 }, async () => {
  // The INVITE's Contact host is a loopback address (nat/private-contact, line 8 col 21 of the message).
  const item = webview.locator('.detail .message-findings li[data-rule="nat/private-contact"]');
  await item.waitFor();
  assert.match(await item.locator('.finding-where').textContent(), /^ line 8:21$/);
  await item.click();
  await page.locator('[id="status.editor.selection"]').filter({ hasText: 'Ln 8, Col 21' }).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'capture-finding-open-as-text.png') });
  lap('finding -> open as text at its position ok');
});

test('"Export…" writes the selected call\'s ladder as a self-contained HTML page beside the capture', { skip, timeout: 120_000 }, async () => {
  // Call 1 is still selected. The format quick pick, then the save dialog (the browser's simple file dialog, a quick
  // input holding the proposed path: <capture>-call1.html beside the capture).
  const out = path.join(root, 'workspace', 'calls-mixed-outcomes-call1.html');
  await webview.locator('vscode-button[data-action="export"]').click();
  // The first row: the plain HTML report (the next one, "HTML report with the calls' audio", also matches the text).
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'HTML report' }).first().click();
  const input = page.locator('.quick-input-widget input.input');
  await page.waitForFunction(() => /calls-mixed-outcomes-call1\.html$/.test(document.querySelector('.quick-input-widget input.input')?.value ?? ''));
  await input.press('Enter');
  for (let i = 0; i < 100 && !fs.existsSync(out); i++) await new Promise((r) => setTimeout(r, 100));
  const html = fs.readFileSync(out, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('Content-Security-Policy'));
  assert.ok(!/<script/i.test(html));
  assert.equal((html.match(/<section id="msg-/g) ?? []).length, 7);
  assert.ok(html.includes('<pre>INVITE sip:'), 'message texts read from the capture');
  assert.ok(html.trimEnd().endsWith('</html>'));
  // The save dialog is a quick input: gone before the next test opens the command palette. The explorer shows the new
  // file (its tree redrawn before the next test double-clicks a row of it).
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.getByRole('treeitem', { name: path.basename(out) }).waitFor();
  lap('export html ok');
});

test('"Save as pcap…" writes the selected call\'s SIP and RTP packets as a new capture beside the original', { skip, timeout: 120_000 }, async () => {
  // Call 1 is still selected: 7 SIP messages and two RTP streams of 67 packets (141 records).
  const out = path.join(root, 'workspace', 'calls-mixed-outcomes-call1.pcap');
  await webview.locator('vscode-button[data-action="save-pcap"]').click();
  const input = page.locator('.quick-input-widget input.input');
  await page.waitForFunction(() => /calls-mixed-outcomes-call1\.pcap$/.test(document.querySelector('.quick-input-widget input.input')?.value ?? ''));
  await input.press('Enter');
  let bytes;
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(out) && (bytes = fs.readFileSync(out)).length > 24) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(bytes.readUInt32LE(0), 0xa1b2c3d4, 'classic pcap, microseconds');
  let records = 0;
  for (let o = 24; o + 16 <= bytes.length; o += 16 + bytes.readUInt32LE(o + 8)) records++;
  assert.equal(records, 141);
  assert.ok(fs.readFileSync(path.join(root, 'workspace', path.basename(SAMPLE))).equals(fs.readFileSync(SAMPLE)), 'the capture is untouched');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.getByRole('treeitem', { name: path.basename(out) }).waitFor();
  lap('save pcap ok');
});

test('a call behind NAT: the findings panel shows nat/one-way-audio, the ladder its RTP streams', { skip, timeout: 120_000 }, async () => {
  // One capture editor at a time (the webview locator expects a single one).
  await runCommand('View: Close All Editors');
  // The message opened as text is an unsaved document: VS Code asks before closing it.
  const dontSave = page.getByRole('button', { name: "Don't Save" });
  const gone = webview.locator('#app').waitFor({ state: 'detached' });
  const asked = await Promise.race([dontSave.waitFor().then(() => true, () => false), gone.then(() => false)]);
  if (asked) await dontSave.click();
  await gone;
  await openCapture(LAB_NAT);
  await webview.locator('.calls[data-state="ready"]').waitFor();
  // The NAT analysis runs after the import; its count joins the toolbar and the status bar.
  await webview.locator('.summary').filter({ hasText: '13 NAT findings' }).waitFor();
  await page.locator('.statusbar-item').filter({ hasText: '13 NAT' }).first().waitFor();
  await webview.locator('.call-row[data-call="1"]').click();
  const oneWay = webview.locator('.findings .finding[data-rule="nat/one-way-audio"]');
  await oneWay.waitFor();
  assert.match(await oneWay.locator('.finding-message').textContent(), /No audio either way/);
  assert.match(await webview.locator('.findings .verdict-text').textContent(), /caller behind NAT/);
  await webview.locator('g.stream-label').nth(1).waitFor();
  // Both streams' RTP to the private SDP addresses drew ICMP net unreachables from the routers.
  const streamLabel = '→ RTP PCMA 236 pkts, 0 lost [ICMP net unreachable x2]';
  assert.deepEqual(await webview.locator('g.stream-label text').allTextContents(), [streamLabel, streamLabel]);
  // Evidence: the INVITE's chip selects its arrow and shows it.
  await oneWay.locator('.frame-chip.sip[data-frame="9"]').click();
  await webview.locator('g.arrow.selected.has-finding').waitFor();
  await webview.locator('.detail[data-kind="message"] .frame').filter({ hasText: /^9$/ }).waitFor();
  // Roomier screenshot (docs/img/capture-editor.png): hide the primary side bar.
  await page.keyboard.press('Control+B');
  await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
  await webview.locator('g.stream-label').nth(1).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'capture-editor-nat.png') });
  // An ICMP error's chip selects the stream it answered and says what it was.
  await oneWay.locator('.frame-chip.icmp').first().click();
  await webview.locator('g.stream-label.selected').waitFor();
  assert.match(await oneWay.locator('.frame-info').textContent(), /ICMP net unreachable from [\d.]+, answering the selected stream/);
  lap('NAT findings ok');
});

/** Close every editor (the webview locator expects a single capture editor); answers "Don't Save" if asked. */
/**
 * Double-click `file` in the explorer and wait for its capture editor. A double-click is sometimes not taken (no
 * editor opens at all: seen on a freshly started workbench in ~1 of 3 clean CI runs, and after closing all editors):
 * once more then.
 */
async function openCapture(file) {
  const ready = webview.locator('#app[data-state="ready"]');
  await page.getByRole('treeitem', { name: path.basename(file) }).dblclick();
  if (!(await ready.waitFor({ timeout: 20_000 }).then(() => true, () => false))) {
    lap(`capture editor of ${path.basename(file)} not open after 20 s: double-clicking again`);
    await page.getByRole('treeitem', { name: path.basename(file) }).dblclick();
    await ready.waitFor();
  }
}

async function closeAllEditors() {
  await runCommand('View: Close All Editors');
  await webview.locator('#app').waitFor({ state: 'detached' });
}

/**
 * Run a command from the palette (F1, its title, Enter). When the palette does not show it within 10 s (the keys went
 * to a quick input that was still closing, or to a webview), Escape and once more.
 */
async function runCommand(title) {
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.insertText(title);
    const row = page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: title.replace(/^.*: /, '') });
    try {
      await row.waitFor({ timeout: attempt === 0 ? 10_000 : 30_000 });
      break;
    } catch (e) {
      if (attempt > 0) throw e;
      lap(`"${title}" not in the command palette after 10 s: once more`);
      await page.keyboard.press('Escape');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => {});
    }
  }
  await page.keyboard.press('Enter');
}

/** Close every editor and show the side bar again (the next test opens a capture from the explorer). */
async function freshWorkbench() {
  await closeAllEditors();
  if (!(await page.locator('.part.sidebar').isVisible())) {
    await page.keyboard.press('Control+B');
    await page.locator('.part.sidebar').waitFor();
  }
}

test('SIP over TLS with the key beside the capture: decrypted, shown with transport TLS', { skip, timeout: 120_000 }, async () => {
  await freshWorkbench();
  await openCapture(TLS);
  await webview.locator('.calls[data-state="ready"]').waitFor();
  await webview.locator('.call-row[data-call="0"]').waitFor();
  assert.equal(await webview.locator('.call-row:not([hidden])').count(), 1);
  await webview.locator('.call-row[data-call="0"]').click();
  await webview.locator('.ladder[data-state="ready"]').waitFor();
  await webview.locator('g.arrow').nth(5).waitFor();
  assert.deepEqual(await webview.locator('g.arrow .label').allTextContents(), ['INVITE (SDP)', '180 Ringing', '200 Answering (SDP)', 'ACK', 'BYE', '200 OK']);
  await webview.locator('g.arrow').first().locator('.label').click();
  await webview.locator('.detail[data-state="ready"]').waitFor();
  assert.match(await webview.locator('.detail .transport').textContent(), /^TLS, \d+ bytes$/);
  await page.screenshot({ path: path.join(SHOTS, 'capture-editor-tls.png') });
  lap('SIP over TLS ok');
});

test('through a proxy, "Compare with previous hop" diffs the INVITE the proxy received with the one it sent', { skip, timeout: 120_000 }, async () => {
  await freshWorkbench();
  await openCapture(PROXY);
  await webview.locator('.calls[data-state="ready"]').waitFor();
  await webview.locator('.call-row[data-call="0"]').click();
  await webview.locator('.ladder[data-state="ready"]').waitFor();
  // The third arrow: the proxy's INVITE to the UAS (the first is the UAC's to the proxy, which has no previous hop).
  await webview.locator('g.arrow').nth(2).locator('.label').click();
  await webview.locator('.detail[data-state="ready"]').waitFor();
  assert.equal(await webview.locator('.detail-label').textContent(), 'INVITE');
  await webview.locator('.detail vscode-button[data-action="compare-hop"]').click();
  await page.locator('.monaco-diff-editor').first().waitFor();
  // The proxy added its Via and Record-Route: lines only on the right side.
  await page.locator('.monaco-diff-editor .editor.modified .view-lines').filter({ hasText: 'Record-Route' }).first().waitFor();
  await page.locator('.tab').filter({ hasText: '127.0.0.10:5060 → 127.0.0.30:5060 ↔ 127.0.0.30:5060 → 127.0.0.20:5070' }).first().waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'capture-compare-hop.png') });
  lap('compare with previous hop ok');
});

test('a stream band -> Play: the host decodes the RTP audio and the real VS Code webview loads it (blob: URL, CSP)', { skip, timeout: 120_000 }, async () => {
  await freshWorkbench();
  await openCapture(SAMPLE);
  await webview.locator('.calls[data-state="ready"]').waitFor();
  await webview.locator('.call-row[data-call="0"]').click();
  await webview.locator('.ladder[data-state="ready"]').waitFor();
  await webview.locator('g.stream-label').first().click();
  await webview.locator('.detail[data-state="ready"][data-kind="stream"]').waitFor();
  await webview.locator('.detail vscode-button[data-action="play-call"]').click();
  const audio = webview.locator('.detail .audio-player audio');
  await audio.waitFor();
  assert.match(await audio.getAttribute('src'), /^blob:/);
  // VS Code's webview decodes the WAV: its metadata loads (an error or a CSP block would reject).
  const duration = await audio.evaluate(
    (el) =>
      new Promise((done, fail) => {
        if (el.readyState >= 1) done(el.duration);
        el.addEventListener('loadedmetadata', () => done(el.duration));
        el.addEventListener('error', () => fail(new Error(`audio error ${el.error?.code}`)));
      }),
  );
  assert.ok(duration > 1.9 && duration < 2.2, `duration ${duration}`);
  assert.match(await webview.locator('.detail .audio-status').textContent(), /left: .*\(PCMA\); right: .*\(PCMA\)$/);
  await page.screenshot({ path: path.join(SHOTS, 'capture-stream-audio.png') });
  lap('stream audio ok');
});
