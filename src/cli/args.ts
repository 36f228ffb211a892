// Minimal argv parser for the sipscope CLI: positionals, `--flag`, `--key value`, `--key=value`, `-o value`.

export interface ParsedArgs {
  positionals: string[];
  /** Options by long name (short aliases resolved). Repeated options accumulate. */
  options: Map<string, string[]>;
  flags: Set<string>;
}

export class UsageError extends Error {}

/**
 * Parse `argv` given the option names that take a value and the boolean flags.
 * Throws UsageError on an unknown option or a missing value.
 */
export function parseArgs(argv: readonly string[], spec: { values: string[]; flags: string[]; aliases?: Record<string, string> }): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  const aliases = spec.aliases ?? {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    let name = a.replace(/^--?/, '');
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    name = aliases[name] ?? name;
    if (spec.flags.includes(name)) {
      if (value !== undefined) throw new UsageError(`option --${name} takes no value`);
      out.flags.add(name);
    } else if (spec.values.includes(name)) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      }
      const list = out.options.get(name) ?? [];
      list.push(value);
      out.options.set(name, list);
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  return out;
}

export const lastOption = (a: ParsedArgs, name: string): string | undefined => a.options.get(name)?.at(-1);
