// Delays of the membership loop: exponential backoff with full jitter between registration
// attempts, and a ±10% jitter on the heartbeat interval so a fleet started together spreads out.

/** Exponential backoff of registration attempts. */
export interface BackoffOptions {
  /** Upper bound of the first delay, in ms. Default 500. */
  baseMs: number;
  /** Growth of the upper bound per failed attempt. Default 2. */
  factor: number;
  /** Largest upper bound, in ms. Default 30 000. */
  capMs: number;
}

/** Base 500 ms, factor 2, cap 30 s. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  baseMs: 500,
  factor: 2,
  capMs: 30_000,
});

/**
 * The delay before retry number `attempt` (0 for the first retry): full jitter, a uniform draw
 * in `[0, min(cap, base * factor^attempt))`. `random` returns a number in `[0, 1)`.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const bound = Math.min(options.capMs, options.baseMs * options.factor ** attempt);

  return Math.floor(random() * bound);
}

/** `intervalMs` moved by up to ±10%, from `random` in `[0, 1)`. */
export function jitterInterval(intervalMs: number, random: () => number): number {
  return Math.round(intervalMs * (0.9 + 0.2 * random()));
}
