// Token verdicts, cached: each token, good or refused, is asked of MCIAS at most once per 30 s.
// The cache is keyed by the token's SHA-256, so no token is held in memory longer than a call
// needs it.
import { createHash } from 'node:crypto';

import type { Identity } from '@mcp/proto';

import { TokenRejectedError } from './errors.js';
import type { TokenAuthority } from './mcias.js';

/** The longest a verdict is trusted without asking MCIAS again. */
export const MAX_CACHE_MS = 30_000;

export interface ValidatorOptions {
  /** How long a good verdict is kept; capped at 30 000 ms. Default 30 000 ms. */
  readonly cacheMs?: number;
  /**
   * A verdict used in its last this-many milliseconds is still used, and MCIAS is asked again in
   * the background, so a token in steady use never waits for MCIAS. Default 5 000 ms.
   */
  readonly refreshAheadMs?: number;
  /** The clock, Unix milliseconds. Default Date.now. */
  readonly now?: () => number;
  /** Entries kept before expired ones are swept. Default 10 000. */
  readonly maxEntries?: number;
}

/** What MCIAS last said of a token, trusted until `untilMs`. */
type Verdict = { readonly untilMs: number } & (
  { readonly identity: Identity } | { readonly refused: string }
);

export class TokenValidator {
  /**
   * Verdicts, by key: an identity, or the reason MCIAS refused the token (forged, expired,
   * revoked), so a caller repeating a bad token is answered here too. Never MCIAS being down.
   */
  private readonly verdicts = new Map<string, Verdict>();
  /** Questions to MCIAS under way, by key: concurrent calls with one token share one. */
  private readonly asking = new Map<string, Promise<Identity>>();
  private readonly cacheMs: number;
  private readonly refreshAheadMs: number;
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(
    private readonly authority: TokenAuthority,
    options: ValidatorOptions = {},
  ) {
    this.cacheMs = Math.min(options.cacheMs ?? MAX_CACHE_MS, MAX_CACHE_MS);
    this.refreshAheadMs = Math.min(options.refreshAheadMs ?? 5_000, this.cacheMs);
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /**
   * The token's identity. A verdict cached in the last 30 s (and before the token's own expiry)
   * is used as it is, also while MCIAS is down; anything else is asked of MCIAS, and a failure
   * to ask fails closed (McIasUnavailableError).
   */
  async validate(token: string): Promise<Identity> {
    const key = createHash('sha256').update(token).digest('hex');
    const now = this.now();
    const hit = this.verdicts.get(key);
    if (hit && hit.untilMs > now) {
      if ('refused' in hit) throw new TokenRejectedError(hit.refused);
      if (hit.untilMs - now <= this.refreshAheadMs && hit.untilMs < hit.identity.expiresAtMs) {
        // Refreshed in the background. A refusal replaces the verdict for the next call; MCIAS
        // being down leaves it to run out its 30 s.
        this.ask(key, token).catch(() => undefined);
      }
      return hit.identity;
    }
    if (hit) this.verdicts.delete(key);
    return this.ask(key, token);
  }

  private ask(key: string, token: string): Promise<Identity> {
    const pending = this.asking.get(key);
    if (pending) return pending;

    const question = (async () => {
      try {
        const identity = await this.authority.validate(token);
        const now = this.now();
        if (identity.expiresAtMs <= now) throw new TokenRejectedError('expired');
        this.remember(key, {
          identity,
          untilMs: Math.min(now + this.cacheMs, identity.expiresAtMs),
        });
        return identity;
      } catch (err) {
        // MCIAS being down leaves a verdict a background refresh was renewing to run out its 30 s.
        if (err instanceof TokenRejectedError) {
          this.remember(key, { refused: err.reason, untilMs: this.now() + this.cacheMs });
        }
        throw err;
      } finally {
        this.asking.delete(key);
      }
    })();
    this.asking.set(key, question);
    return question;
  }

  /** Keeps `verdict` as the newest entry, making room first when the cache holds maxEntries. */
  private remember(key: string, verdict: Verdict): void {
    this.verdicts.delete(key);
    if (this.verdicts.size >= this.maxEntries) {
      const now = this.now();
      for (const [k, v] of this.verdicts) if (v.untilMs <= now) this.verdicts.delete(k);
      // Still full of live verdicts: drop the oldest (a Map keeps insertion order).
      const oldest = this.verdicts.keys().next();
      if (this.verdicts.size >= this.maxEntries && !oldest.done) this.verdicts.delete(oldest.value);
    }
    this.verdicts.set(key, verdict);
  }
}
