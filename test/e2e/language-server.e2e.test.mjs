// End-to-end in real VS Code (code-server + headless Chromium, style A of the e2e recipe): install the built .vsix,
// open a NATed sngrep trace, see the language server's rule ids in the Problems panel, apply a quick fix with
// Ctrl+. and see that problem disappear, see a Call-ID's highlights and go from a response's branch to its request
// (F12), then open the trace ladder webview, and one call's ladder from its code lens.
// Run: node --test --test-concurrency=1 test/e2e/language-server.e2e.test.mjs   (after scripts/install-e2e-tools.sh)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { missingTools, openWorkbench, startCodeServer, vsixPath } from './code-server.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = path.join(REPO, 'samples/sip/nat-call.sip');
const SHOTS = process.env.SHOTS ?? path.join(REPO, 'test-output/e2e');
/** Rule ids the sample shows in the Problems panel. */
const EXPECTED_RULES = ['nat/via-rport', 'nat/private-via', 'nat/private-contact', 'nat/private-sdp'];
/** Rule whose quick fix is applied, and text the fix inserts. */
const FIX_RULE = 'nat/via-rport';
const FIX_TEXT = ';rport';
const EXTENSION_ID = 'sipscope.sipscope';

const t0 = Date.now();
const lap = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(2)}s] ${m}`);
const skip = missingTools() ?? (fs.existsSync(SAMPLE) ? false : `sample ${SAMPLE} missing`);
if (skip) console.log(`# language server e2e SKIPPED: ${skip}`);

let cs;
let ctx;
let page;
let root;

before(async () => {
  if (skip) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  const vsix = vsixPath(lap);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sipscope-e2e-ls-'));
  const ws = path.join(root, 'workspace');
  fs.mkdirSync(ws, { recursive: true });
  fs.copyFileSync(SAMPLE, path.join(ws, 'nat-call.sip'));
  // Two calls: the sample, then the same call under another Call-ID (for the per-call ladder lens).
  const sample = fs.readFileSync(SAMPLE, 'utf8');
  fs.writeFileSync(path.join(ws, 'two-calls.sip'), sample + sample.replaceAll('3848276298220188511@', 'second-call@').replaceAll('z9hG4bK-', 'z9hG4bK-2-'));
  cs = await startCodeServer({ root, vsix, folder: ws, log: lap });
  ({ ctx, page } = await openWorkbench(chromium, { root, url: cs.url, folder: ws, viewport: { width: 1400, height: 900 } }));
  await page.getByRole('treeitem', { name: 'nat-call.sip' }).waitFor();
  lap('workbench + explorer ready');
});

after(async () => {
  if (skip) return;
  await ctx?.close();
  await cs?.stop();
  if (!process.env.KEEP) fs.rmSync(root, { recursive: true, force: true });
  else lap(`kept ${root}`);
});

/** Problems panel rows mentioning `text` (the rule id is shown as the diagnostic code). */
const problemRows = (text) => page.locator('.markers-panel .monaco-list-row').filter({ hasText: text });

/** Wait until exactly `n` Problems rows mention `text` (evaluated in the page on each animation frame). */
async function waitForProblemCount(text, n) {
  await page.waitForFunction(
    ([t, count]) => [...document.querySelectorAll('.markers-panel .monaco-list-row')].filter((r) => r.textContent.includes(t)).length === count,
    [text, n],
  );
}

/** Move the cursor to 1-based `line`, `column` with Go to Line/Column and wait for the status bar to say so. */
async function goTo(line, column) {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.insertText(`${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('[id="status.editor.selection"]').filter({ hasText: `Ln ${line}, Col ${column}` }).waitFor();
}

test('the Problems panel lists the NAT trace findings with their rule ids', { skip }, async () => {
  await page.getByRole('treeitem', { name: 'nat-call.sip' }).dblclick();
  await page.locator('.monaco-editor .view-lines').filter({ hasText: 'INVITE' }).waitFor();
  await page.locator('[id="status.editor.mode"]').filter({ hasText: 'SIP' }).waitFor();
  lap('status bar says SIP');
  await page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').first().waitFor();
  await page.keyboard.press('Control+Shift+M');
  for (const id of EXPECTED_RULES) await problemRows(id).first().waitFor();
  const label = await problemRows(FIX_RULE).first().getAttribute('aria-label');
  assert.ok(label && /line \d+ and character \d+/.test(label), `aria-label: ${label}`);
  await page.screenshot({ path: path.join(SHOTS, 'ls-1-problems.png') });
  lap(`problems ok: ${EXPECTED_RULES.join(', ')}`);
});

test('a quick fix (Ctrl+.) removes the problem', { skip }, async () => {
  const before = await problemRows(FIX_RULE).count();
  assert.ok(before > 0);
  // Put the cursor on the first problem (Go to Line/Column from the row's "at line L and character C"), then Ctrl+.
  const label = await problemRows(FIX_RULE).first().getAttribute('aria-label');
  const [, line, character] = /line (\d+) and character (\d+)/.exec(label ?? '') ?? [];
  assert.ok(line && character, `aria-label: ${label}`);
  await goTo(line, character);
  await page.keyboard.press('Control+.');
  // The quick fix menu (action widget) lists the fixes of the diagnostic under the cursor. A key press the workbench
  // drops (seen in clean CI runs) gets one more try.
  const item = page.locator('.action-widget .monaco-list-row').filter({ hasText: /rport/i }).first();
  if (!(await item.waitFor({ timeout: 15_000 }).then(() => true, () => false))) {
    lap('no quick fix menu after 15 s: Ctrl+. again');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    await item.waitFor();
  }
  await page.screenshot({ path: path.join(SHOTS, 'ls-2-quickfix-menu.png') });
  await item.click();
  await page.locator('.monaco-editor .view-lines').filter({ hasText: FIX_TEXT }).waitFor();
  await waitForProblemCount(FIX_RULE, before - 1);
  await page.screenshot({ path: path.join(SHOTS, 'ls-3-fixed.png') });
  lap(`quick fix applied: ${before} -> ${before - 1} '${FIX_RULE}' problems`);
});

test('a Call-ID is highlighted across the trace, and Go to Definition leads from a response\'s branch to its request', { skip }, async () => {
  const lines = fs.readFileSync(SAMPLE, 'utf8').split(/\r?\n/);
  const callId = lines.findIndex((l) => l.startsWith('Call-ID:'));
  await goTo(callId + 1, 12);
  // The occurrence that defines it (this first message's) is a strong (write) highlight, which the textual word
  // highlighter never gives. Highlights follow cursor moves: a move that the workbench misses gets a nudge.
  const strong = page.locator('.monaco-editor .view-overlays .wordHighlightStrong').first();
  for (let attempt = 0; !(await strong.waitFor({ state: 'attached', timeout: 8_000 }).then(() => true, () => false)); attempt++) {
    assert.ok(attempt < 3, 'no document highlight after 4 cursor moves');
    lap('no highlight yet: moving the cursor within the Call-ID');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
  }
  await page.screenshot({ path: path.join(SHOTS, 'ls-4-highlights.png') });
  const trying = lines.indexOf('SIP/2.0 100 Trying');
  const via = lines[trying + 1];
  await goTo(trying + 2, via.indexOf('z9hG4bK') + 3);
  await page.keyboard.press('F12');
  // To the INVITE's Via (its column moved with the quick fix's `;rport`).
  const invite = lines.findIndex((l) => l.startsWith('INVITE '));
  await page.locator('[id="status.editor.selection"]').filter({ hasText: `Ln ${invite + 2},` }).waitFor();
  lap('highlights and go to definition ok');
});

test('"SIPScope: Show Ladder for This Trace" opens the ladder webview', { skip }, async () => {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.insertText('SIPScope: Show Ladder for This Trace');
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: 'Show Ladder for This Trace' }).waitFor();
  await page.keyboard.press('Enter');
  const webview = page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).frameLocator('iframe#active-frame');
  await webview.locator('svg').first().waitFor();
  const text = await webview.locator('body').textContent();
  assert.match(text, /INVITE/);
  assert.match(text, /200 OK/);
  await page.screenshot({ path: path.join(SHOTS, 'ls-5-ladder.png') });
  lap('ladder webview ok');
});

test('on a trace of two calls, the "Ladder of this call" lens opens the ladder of that call only', { skip }, async () => {
  // One editor group again (the ladder of the last test opened beside).
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.insertText('View: Close All Editor Groups');
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: 'Close All Editor Groups' }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor').waitFor({ state: 'detached' });
  await page.getByRole('treeitem', { name: 'two-calls.sip' }).dblclick();
  await page.locator('[id="status.editor.mode"]').filter({ hasText: 'SIP' }).waitFor();
  const lens = page.locator('.codelens-decoration a').filter({ hasText: 'Ladder of this call (7 messages)' });
  await lens.first().waitFor();
  // The second call's lens: scroll to its INVITE with Go to Line (the first lens is then out of view, not rendered).
  const lines = fs.readFileSync(SAMPLE, 'utf8').split(/\r?\n/);
  await goTo(lines.length + lines.findIndex((l) => l.startsWith('INVITE ')), 1);
  await lens.last().waitFor();
  await lens.last().click();
  const webview = page.frameLocator(`iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`).last().frameLocator('iframe#active-frame');
  await webview.locator('svg').first().waitFor();
  const text = await webview.locator('body').textContent();
  assert.match(text, /second-call@192\.168\.1\.100/);
  assert.doesNotMatch(text, /3848276298220188511@/);
  await page.locator('.tab').filter({ hasText: 'Call-ID second-call@' }).first().waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'ls-6-call-ladder.png') });
  lap('per-call ladder lens ok');
});
