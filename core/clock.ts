/** Time source, injected so that expiry rules can be exercised without sleeping. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
