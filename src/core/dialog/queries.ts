// Queries over the model that derive what the builder does not store (to keep 100k-call captures small):
// the message ids of one transaction or one dialog, found through the message store's link columns.
import type { MessageStore } from './message-store';
import type { CallInfo, DialogInfo, TransactionInfo } from './types';

interface ModelLike {
  messages: MessageStore;
  calls: readonly CallInfo[];
}

/** Message ids of transaction `tx` (requests incl. retransmissions, and responses), in capture order. */
export function transactionMessageIds(model: ModelLike, tx: TransactionInfo): number[] {
  const call = model.calls[tx.callIndex];
  if (!call) return [];
  return call.messageIds.filter((id) => model.messages.get(id).transactionIndex === tx.index);
}

/**
 * Message ids of dialog `d`: the messages carrying its tags, plus the requests of the transactions that created it
 * (the initial INVITE has no To tag yet, RFC 3261 §12.1), in capture order.
 */
export function dialogMessageIds(model: ModelLike, d: DialogInfo): number[] {
  const call = model.calls[d.callIndex];
  if (!call) return [];
  const own = new Set<number>();
  const creatingTx = new Set<number>();
  for (const id of call.messageIds) {
    const m = model.messages.get(id);
    if (m.dialogIndex === d.index) {
      own.add(id);
      if (m.kind === 'response' && m.transactionIndex >= 0) creatingTx.add(m.transactionIndex);
    }
  }
  return call.messageIds.filter((id) => {
    if (own.has(id)) return true;
    const m = model.messages.get(id);
    return m.kind === 'request' && m.dialogIndex < 0 && creatingTx.has(m.transactionIndex);
  });
}

/**
 * Message ids of `calls`, ascending (capture order), each once even when a call is given twice. A call can have
 * 100 000+ messages: they are pushed one by one, never spread into a call.
 */
export function callMessageIds(calls: Iterable<Pick<CallInfo, 'index' | 'messageIds'>>): number[] {
  const seen = new Set<number>();
  const ids: number[] = [];
  for (const c of calls) {
    if (seen.has(c.index)) continue;
    seen.add(c.index);
    for (const id of c.messageIds) ids.push(id);
  }
  return ids.sort((a, b) => a - b);
}
