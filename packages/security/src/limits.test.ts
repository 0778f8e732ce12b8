import { describe, expect, it } from 'vitest';

import { RateLimiter } from './limits.js';

describe('RateLimiter', () => {
  it('allows the burst at once, then refuses until a token has come back', () => {
    const limiter = new RateLimiter({ burst: 3, refillEveryMs: 60_000 });
    const answers = [0, 1, 2, 3].map((i) => limiter.take('agent-rift', 1_000 + i));
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, false]);
    const refused = answers[3];
    expect(refused?.ok === false && refused.retryAfterMs).toBeGreaterThan(59_000);
    expect(limiter.take('agent-rift', 1_000 + 60_000).ok).toBe(true);
  });

  it('keeps identities apart', () => {
    const limiter = new RateLimiter({ burst: 1, refillEveryMs: 60_000 });
    expect(limiter.take('agent-rift', 0).ok).toBe(true);
    expect(limiter.take('agent-rift', 1).ok).toBe(false);
    expect(limiter.take('agent-orion', 1).ok).toBe(true);
  });

  it('refuses most of a flood of 50 in one second and none of a steady rate', () => {
    const limiter = new RateLimiter({ burst: 5, refillEveryMs: 10_000 });
    const flood = Array.from({ length: 50 }, (_, i) => limiter.take('flood', i * 20));
    expect(flood.filter((a) => a.ok)).toHaveLength(5);

    let now = 0;
    for (let i = 0; i < 60; i++) {
      now += 10_000;
      expect(limiter.take('steady', now).ok).toBe(true);
    }
  });

  it('rejects a shape that could never allow a call', () => {
    expect(() => new RateLimiter({ burst: 0, refillEveryMs: 1 })).toThrow(/burst/);
    expect(() => new RateLimiter({ burst: 1, refillEveryMs: 0 })).toThrow(/refillEveryMs/);
  });
});
