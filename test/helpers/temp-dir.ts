// Temporary directories for tests, removed when done: test runs leave nothing behind in the system temp directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

const make = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));
const remove = (dir: string) => () => rmSync(dir, { recursive: true, force: true });

/** A new directory (`prefix` + random) for a whole test file, removed with its contents after the file's tests. Call at the top level or in a describe block. */
export function fileTempDir(prefix: string): string {
  const dir = make(prefix);
  afterAll(remove(dir));
  return dir;
}

/** A new directory (`prefix` + random) for the running test, removed with its contents when the test ends. Call inside a test. */
export function testTempDir(prefix: string): string {
  const dir = make(prefix);
  onTestFinished(remove(dir));
  return dir;
}
