/**
 * Whether a failed fetch may still have delivered its request. Only errors raised
 * before anything is written (refused connection, unresolvable host) prove it never
 * arrived; a timeout or a connection cut mid-way leaves the send in doubt, and the
 * core then waits for Meta's own report of the message before sending it again.
 */
export function requestMayHaveArrived(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return !(code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "FailedToOpenSocket" || code === "ConnectionRefused");
}
