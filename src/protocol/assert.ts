// Assertion helpers shared by the host and the webview: `unreachable` closes exhaustive switches, `invariant`
// guards broken internal assumptions (never input validation: parsers report problems instead of throwing).

/** Compile-time exhaustiveness check: passing anything but `never` is a type error; reaching it at run time throws. */
export function unreachable(value: never, what = 'value'): never {
  let shown: string;
  try {
    shown = JSON.stringify(value);
  } catch {
    shown = String(value);
  }
  throw new Error(`unreachable: unexpected ${what} ${shown}`);
}

/** Throw `Error(message)` when `condition` is falsy (a broken invariant, i.e. a bug). Narrows `condition`. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant failed: ${message}`);
}
