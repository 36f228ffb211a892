// Interns strings to small integer ids for columnar stores (message store, media store): id 0 stands for undefined.

/**
 * `s` as V8's internalized copy (property names are internalized; strings decoded from bytes or received through
 * structured clone are not). For the few strings that hot code compares with each other and with literals like
 * 'INVITE' (methods, reason phrases, sent-by, addresses): between internalized strings `===` is one pointer
 * comparison, otherwise a comparison of the characters. An array-index text (`"42"`) comes back as an equal string,
 * which is as good. Costs an object: call it once per distinct string (where a cache or table first keeps it).
 */
export function internalized(s: string): string {
  for (const k of Object.keys({ [s]: 0 })) return k;
  return s;
}

export class StringTable {
  private readonly ids = new Map<string, number>();
  /** values[id] is the string of `id`; values[0] is undefined. */
  readonly values: (string | undefined)[] = [undefined];

  /**
   * The last strings looked up and their ids: callers pass the same few string objects again and again. Strings
   * only (an empty slot is a string with id -1): with `undefined` in the array, V8 compiled `recent[k] === s` as a
   * generic comparison, a builtin call per slot.
   */
  private readonly recent: string[] = ['', '', '', ''];
  private readonly recentIds = [-1, -1, -1, -1];
  private recentNext = 0;

  /** The id of `s` (0 for undefined), adding it on first sight. */
  id(s: string | undefined): number {
    if (s === undefined) return 0;
    const r = this.recent;
    for (let k = 0; k < 4; k++) {
      if (r[k] === s) {
        const known = this.recentIds[k]!;
        if (known >= 0) return known;
      }
    }
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
    }
    const k = this.recentNext;
    r[k] = s;
    this.recentIds[k] = id;
    this.recentNext = (k + 1) & 3;
    return id;
  }

  /** The id of `s` without adding it: -1 when it was never interned. */
  find(s: string): number {
    return this.ids.get(s) ?? -1;
  }

  get(id: number): string | undefined {
    return this.values[id];
  }
}
