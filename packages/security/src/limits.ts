// Rate limits per identity: a token bucket for each key, time an input (no clock read here).

/** One bucket's shape. */
export interface BucketOptions {
  /** Calls allowed at once after a quiet spell: the burst. */
  readonly burst: number;
  /** One call's worth comes back every this many milliseconds: the average rate. */
  readonly refillEveryMs: number;
}

/** The answer to one call. */
export type Take = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/**
 * Token buckets by key (an identity). A key starts full; each call takes one token; tokens come
 * back at one per `refillEveryMs`, up to `burst`. Keys are forgotten once full again, so the
 * map holds only identities that called recently.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(readonly options: BucketOptions) {
    if (!(options.burst >= 1) || !(options.refillEveryMs > 0)) {
      throw new RangeError('RateLimiter: burst must be at least 1 and refillEveryMs above 0');
    }
  }

  /** Takes one token for `key` at `nowMs`. */
  take(key: string, nowMs: number): Take {
    const { burst, refillEveryMs } = this.options;
    const prev = this.buckets.get(key);
    const elapsed = prev ? Math.max(0, nowMs - prev.atMs) : 0;
    const tokens = prev ? Math.min(burst, prev.tokens + elapsed / refillEveryMs) : burst;

    if (tokens < 1) {
      this.buckets.set(key, { tokens, atMs: nowMs });
      return { ok: false, retryAfterMs: Math.ceil((1 - tokens) * refillEveryMs) };
    }
    this.buckets.set(key, { tokens: tokens - 1, atMs: nowMs });
    this.sweep(nowMs);
    return { ok: true };
  }

  private sweep(nowMs: number): void {
    if (this.buckets.size < 1_000) return;
    const { burst, refillEveryMs } = this.options;
    for (const [key, b] of this.buckets) {
      if (b.tokens + (nowMs - b.atMs) / refillEveryMs >= burst) this.buckets.delete(key);
    }
  }
}
