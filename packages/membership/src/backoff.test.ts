import { describe, expect, it } from 'vitest';

import { backoffDelay, DEFAULT_BACKOFF, jitterInterval } from './backoff.js';

describe('backoffDelay', () => {
  it.each([
    { attempt: 0, random: 0.999999, max: 500, why: 'first retry is bounded by the base' },
    { attempt: 1, random: 0.999999, max: 1_000, why: 'the bound doubles' },
    { attempt: 5, random: 0.999999, max: 16_000, why: 'still doubling' },
    { attempt: 6, random: 0.999999, max: 30_000, why: 'the bound stops at the cap' },
    { attempt: 40, random: 0.999999, max: 30_000, why: 'a long outage stays at the cap' },
  ])('$why', ({ attempt, random, max }) => {
    const d = backoffDelay(attempt, () => random);
    expect(d).toBeLessThan(max);
    expect(d).toBeGreaterThanOrEqual(max - 1);
  });

  it('draws the whole range down to zero (full jitter)', () => {
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(2_000);
  });

  it('takes other options', () => {
    expect(backoffDelay(2, () => 0.5, { baseMs: 10, factor: 3, capMs: 1_000 })).toBe(45);
  });

  it('DEFAULT_BACKOFF is 500 ms, factor 2, cap 30 s', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, factor: 2, capMs: 30_000 });
  });
});

describe('jitterInterval', () => {
  it('stays within ±10%', () => {
    expect(jitterInterval(10_000, () => 0)).toBe(9_000);
    expect(jitterInterval(10_000, () => 0.5)).toBe(10_000);
    expect(jitterInterval(10_000, () => 0.999999)).toBe(11_000);
  });
});
