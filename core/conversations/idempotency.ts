/**
 * The key a message travels with to its provider and may come back with (a status
 * webhook's `biz_opaque_callback_data`, a Messenger echo's `metadata`). Message ids
 * are unique in the database, so the key names exactly one message.
 */
export function idempotencyKeyOf(messageId: number): string {
  return `charla-${messageId}`;
}

/** The message id a key names, or null for a key that is not one of ours. */
export function messageIdOfKey(key: string | undefined): number | null {
  const m = key ? /^charla-(\d{1,15})$/.exec(key) : null;
  return m ? Number(m[1]) : null;
}
