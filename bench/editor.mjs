#!/usr/bin/env node
// Capture editor benchmark (not a timed test). Runs the real webview page in headless Chromium against the real
// host-side session (same harness as test/webview/capture-page.chromium.test.ts) and measures:
//   1. open time: from starting the import of a >= 500 MB capture to the first call rows rendered in the webview
//      (i.e. the first onUpdate after the first chunk reaching the page)            target <= 1 s
//   2. frame time while scrolling the 100k-call list                                 target median <= 16 ms
//   3. frame time while scrolling a 5 000-arrow ladder                               target median <= 16 ms
// Frame times are requestAnimationFrame intervals with Chromium's frame-rate limit off, so they measure the work
// of each frame rather than the 60 Hz vsync period.
// Usage: node bench/editor.mjs [--capture FILE] [--frames 600] [--json bench/out/editor.json]
//   FILE defaults to bench/out/bench-100k.pcap, generated with `node bench/make-capture.mjs --out FILE` if missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const capture = path.resolve(opt('capture', path.join(ROOT, 'bench/out/bench-100k.pcap')));
const FRAMES = Number(opt('frames', '600'));
const jsonOut = opt('json', path.join(ROOT, 'bench/out/editor.json'));

// ---- the harness, session and core, bundled from TypeScript ----
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sipscope-bench-editor-'));
const bundle = path.join(tmp, 'editor-bench.mjs');
await esbuild.build({
  stdin: {
    contents: `export { openCapturePage, ensureWebviewBundle, CHROMIUM, CHROMIUM_ARGS } from './test/helpers/webview-harness';
      export { CaptureSession, IMPORT_CHUNK_BYTES } from './src/extension/capture-editor/session';
      export { importCapture, memoryByteSource } from './src/core/index';
      export { openFileByteSource } from './src/cli/node-byte-source';
      export { buildFrame, writePcap } from './test/helpers/pcap-writer';
      export { longDialogFrames } from './test/helpers/sip-calls';`,
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: bundle,
  external: ['playwright-core'],
  logLevel: 'warning',
});
const h = await import(pathToFileURL(bundle).href);
h.ensureWebviewBundle();

if (!existsSync(capture)) {
  console.log(`generating ${capture} with bench/make-capture.mjs ...`);
  mkdirSync(path.dirname(capture), { recursive: true });
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/make-capture.mjs'), '--out', capture], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const size = statSync(capture).size;

const browser = await chromium.launch({
  executablePath: h.CHROMIUM,
  args: [...h.CHROMIUM_ARGS, '--disable-gpu-vsync', '--disable-frame-rate-limit'],
});

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  return { median: round(q(0.5)), p95: round(q(0.95)), max: round(s[s.length - 1]), frames: s.length };
};
const round = (x) => Math.round(x * 100) / 100;

/**
 * Scroll `selector` from the top by `step` px per animation frame for `n` frames; returns the rAF intervals (ms)
 * and, per frame, how many rows were drawn with data (`countSel` elements, placeholders excluded).
 */
async function scrollFrames(page, selector, countSel, step, n) {
  return page.evaluate(
    ([sel, rowsSel, px, count]) =>
      new Promise((resolve) => {
        const el = document.querySelector(sel);
        el.scrollTop = 0;
        const times = [];
        const drawn = [];
        let last = performance.now();
        let i = 0;
        const tick = (now) => {
          if (i > 0) {
            times.push(now - last);
            drawn.push(document.querySelectorAll(rowsSel).length);
          }
          last = now;
          if (i++ >= count) return resolve({ times, drawn });
          el.scrollTop = Math.min(el.scrollHeight, el.scrollTop + px);
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    [selector, countSel, step, n],
  );
}

/** Scroll twice over the same range: the first pass loads the pages from the host, the second is measured. */
async function measureScroll(page, selector, countSel, step) {
  await scrollFrames(page, selector, countSel, step, FRAMES);
  const { times, drawn } = await scrollFrames(page, selector, countSel, step, FRAMES);
  const s = stats(times);
  return { ...s, minRowsDrawn: Math.min(...drawn), medianRowsDrawn: [...drawn].sort((a, b) => a - b)[drawn.length >> 1] };
}

const results = { capture, sizeBytes: size, date: new Date().toISOString() };

// ---- 1. open time to the first rendered calls ----
{
  const session = new h.CaptureSession(path.basename(capture));
  const p = await h.openCapturePage(browser, session);
  const source = await h.openFileByteSource(capture);
  const t0 = performance.now();
  let firstUpdate;
  let lastPush = 0;
  const rendered = p.page.locator('.calls[data-state="ready"]').waitFor({ timeout: 600_000 }).then(() => performance.now() - t0);
  const model = await h.importCapture(source, {
    chunkSize: h.IMPORT_CHUNK_BYTES, // as the editor does (src/extension/capture-editor/document.ts)
    onUpdate: (m) => {
      session.update(m, false);
      const now = performance.now();
      if (firstUpdate === undefined) firstUpdate = now - t0;
      if (lastPush === 0 || now - lastPush >= 100) {
        lastPush = now;
        void p.pushUpdate();
      }
    },
  });
  const importMs = performance.now() - t0;
  session.update(model, true);
  await p.pushUpdate();
  const firstRowsMs = await rendered;
  await source.close();
  results.open = {
    firstUpdateMs: round(firstUpdate),
    firstRenderedCallsMs: round(firstRowsMs),
    fullImportMs: Math.round(importMs),
    calls: model.calls.length,
    messages: model.messages.count,
  };
  console.log(
    `open ${path.basename(capture)} (${(size / 1e6).toFixed(0)} MB): first update ${results.open.firstUpdateMs} ms, ` +
      `first calls rendered ${results.open.firstRenderedCallsMs} ms (target <= 1000), full import ${results.open.fullImportMs} ms, ` +
      `${model.calls.length} calls, ${model.messages.count} messages`,
  );

  // ---- 2. scrolling the 100k-call list ----
  await p.page.locator('.summary').filter({ hasText: `${model.calls.length.toLocaleString('en-US')} calls` }).waitFor();
  await p.page.waitForFunction((n) => document.querySelector('.calls-spacer').offsetHeight >= n * 22, model.calls.length);
  const list = await measureScroll(p.page, '.calls-scroll', '.call-row:not(.placeholder):not([hidden])', 220);
  results.callList = { calls: model.calls.length, pxPerFrame: 220, ...list };
  console.log(
    `call list (${model.calls.length} calls, 10 rows/frame): frame median ${list.median} ms, p95 ${list.p95} ms, max ${list.max} ms ` +
      `(target median <= 16); rows drawn per frame: median ${list.medianRowsDrawn}, min ${list.minRowsDrawn}`,
  );
  await p.close();
}

// ---- 3. scrolling a 5 000-arrow ladder ----
{
  const frames = h.longDialogFrames('bench-long-dialog', 2500);
  const bytes = h.writePcap(frames.map((f) => ({ time: f.time, data: h.buildFrame(f) })));
  const session = new h.CaptureSession('long-dialog.pcap');
  session.update(await h.importCapture(h.memoryByteSource(bytes)), true);
  const rows = session.current.calls[0].messageIds.length;
  const p = await h.openCapturePage(browser, session);
  await p.page.locator('.call-row[data-call="0"]').click();
  await p.page.locator('.ladder[data-state="ready"]').waitFor();
  await p.page.locator('g.arrow').first().waitFor();
  const ladder = await measureScroll(p.page, '.ladder-scroll', 'g.arrow', 140);
  results.ladder = { arrows: rows, pxPerFrame: 140, ...ladder };
  console.log(
    `ladder (${rows} arrows, 5 rows/frame): frame median ${ladder.median} ms, p95 ${ladder.p95} ms, max ${ladder.max} ms ` +
      `(target median <= 16); arrows drawn per frame: median ${ladder.medianRowsDrawn}, min ${ladder.minRowsDrawn}`,
  );
  await p.close();
}

await browser.close();
mkdirSync(path.dirname(jsonOut), { recursive: true });
writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
console.log(`results: ${path.relative(ROOT, jsonOut)}`);
