// The sipscope executable (dist/cli.js): starts the import worker when the command imports in one (prestart.ts),
// then loads and runs the CLI (dist/cli-main.js, built from main.ts). Measured on the bench capture: the first
// batch reaches the main thread ~40 ms sooner (at ~135 ms instead of ~175 ms after the process starts). When the
// command line tells the request, the worker also starts importing at once (prestart.ts speculativeRequest): in a
// CPU profile it no longer idles ~60 ms waiting for the CLI bundle to load.
import { join } from 'node:path';
import { prestartImportWorker } from './prestart';

prestartImportWorker(process.argv.slice(2), __dirname);
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(join(__dirname, 'cli-main.js'));
