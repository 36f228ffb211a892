// Test helper: calls as plain data for deep-equality checks. The builder's calls read their id arrays and parties
// through getters (CallRecord), which toEqual does not look at; this copies the data fields, the parties and the
// three id arrays.
import type { CallInfo } from '../../src/core/index';

export function plainCalls(calls: readonly CallInfo[]): object[] {
  return calls.map((c) => ({
    ...c,
    // Parsed on first read (CallRecord getters), so not own data fields either.
    fromUri: c.fromUri,
    toUri: c.toUri,
    fromDisplay: c.fromDisplay,
    toDisplay: c.toDisplay,
    messageIds: [...c.messageIds],
    dialogIndexes: [...c.dialogIndexes],
    transactionIndexes: [...c.transactionIndexes],
  }));
}
