// `sipscope ladder --audio`: the HTML report embeds the call's decoded audio as a data: URL. Checked as a reader
// opens the file: headless Chromium loads the page from disk, and the player decodes the WAV under the page's own
// CSP (media-src data:) with no violation. Also the CLI's refusal of --audio for other formats.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/webview-harness';
import { fileTempDir } from '../helpers/temp-dir';

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const sample = join(root, 'samples/captures/calls-mixed-outcomes.pcap');
const tmp = fileTempDir('sipscope-ladder-audio-');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`[ladder-audio] SKIPPED the browser part: no Chromium at ${CHROMIUM}`);

beforeAll(() => {
  if (![cli, join(root, 'dist/cli-main.js')].every(existsSync)) execFileSync(process.execPath, [join(root, 'esbuild.mjs'), 'cli', 'cliMain', 'importWorker'], { cwd: root });
});

describe('sipscope ladder --audio', () => {
  const page = join(tmp, 'call1.html');

  it('writes the ladder with a player of the call’s two streams, and says what each channel holds', () => {
    const r = run('ladder', sample, '--call', '1', '-o', page, '--audio');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('wrote 2.0 s of 8000 Hz audio, 2 channels, to the HTML report');
    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/<audio controls preload="metadata" src="data:audio\/wav;base64,UklGR/); // "RIFF"
    expect(html).toContain('2.0 s at 8000 Hz. left: stream 1 (call 1), 127.0.0.10:16000 -&gt; 127.0.0.20:17000, PCMA');
    // A call without media: the ladder is written, without a player, and stderr says why.
    const busy = run('ladder', sample, '--call', '2', '-o', join(tmp, 'busy.html'), '--audio');
    expect(busy.status).toBe(0);
    expect(busy.stderr).toContain('no audio embedded: the selected calls have no RTP stream');
    expect(readFileSync(join(tmp, 'busy.html'), 'utf8')).not.toContain('<audio');
    // Only HTML can hold it.
    const svg = run('ladder', sample, '--call', '1', '-o', join(tmp, 'x.svg'), '--audio');
    expect(svg.status).toBe(2);
    expect(svg.stderr).toContain('--audio embeds the calls');
  });

  it.skipIf(!haveChromium)('the page, opened from disk, plays it: Chromium decodes the WAV under the page’s CSP', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const p = await browser.newPage();
      await p.addInitScript(() => {
        const w = window as unknown as { csp: string[] };
        w.csp = [];
        document.addEventListener('securitypolicyviolation', (e) => w.csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await p.goto(`file://${page}`);
      const duration = await p.locator('section.audio audio').evaluate(
        (el: HTMLAudioElement) =>
          new Promise<number>((done, fail) => {
            if (el.readyState >= 1) done(el.duration);
            el.addEventListener('loadedmetadata', () => done(el.duration));
            el.addEventListener('error', () => fail(new Error(`audio error ${el.error?.code}`)));
          }),
      );
      expect(Math.abs(duration - 2.0)).toBeLessThan(0.1);
      expect(await p.evaluate(() => (window as unknown as { csp: string[] }).csp)).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
