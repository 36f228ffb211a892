// Test helper: calls as plain data for deep-equality checks. The builder's calls read their id arrays through getters
// (CallRecord), which toEqual does not look at; this copies the data fields and the three id arrays.
import type { CallInfo } from '../../src/core/index';

export function plainCalls(calls: readonly CallInfo[]): object[] {
  return calls.map((c) => ({
    ...c,
    messageIds: [...c.messageIds],
    dialogIndexes: [...c.dialogIndexes],
    transactionIndexes: [...c.transactionIndexes],
  }));
}
