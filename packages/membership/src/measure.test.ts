import { tmpdir } from 'node:os';

import { describe, expect, it } from 'vitest';

import { measureNode } from './measure.js';

const GiB = 2 ** 30;

describe('measureNode', () => {
  it('returns positive, consistent figures for this machine', () => {
    const { capacity, free } = measureNode({ diskPath: tmpdir() });

    expect(capacity.cpuMillis).toBeGreaterThanOrEqual(1000);
    expect(capacity.cpuMillis % 1000).toBe(0);
    expect(capacity.memoryBytes).toBeGreaterThan(64 * 2 ** 20);
    expect(capacity.diskBytes).toBeGreaterThan(0);
    for (const field of ['cpuMillis', 'memoryBytes', 'diskBytes'] as const) {
      expect(free[field]).toBeGreaterThanOrEqual(0);
      expect(free[field]).toBeLessThanOrEqual(capacity[field]);
      expect(Number.isInteger(free[field])).toBe(true);
    }
    expect(free.memoryBytes).toBeGreaterThan(0);
  });

  it('reports an override as capacity and scales free into it', () => {
    const measured = measureNode({ diskPath: tmpdir() });
    const { capacity, free } = measureNode({
      diskPath: tmpdir(),
      capacityOverride: { cpuMillis: 2000, memoryBytes: 4 * GiB },
    });

    expect(capacity.cpuMillis).toBe(2000);
    expect(capacity.memoryBytes).toBe(4 * GiB);
    expect(capacity.diskBytes).toBe(measured.capacity.diskBytes);
    expect(free.cpuMillis).toBeLessThanOrEqual(2000);
    expect(free.memoryBytes).toBeLessThanOrEqual(4 * GiB);
    expect(free.memoryBytes).toBeGreaterThan(0);
    const share = measured.free.memoryBytes / measured.capacity.memoryBytes;
    expect(free.memoryBytes / (4 * GiB)).toBeCloseTo(share, 1);
  });

  it('throws when the disk path does not exist', () => {
    expect(() => measureNode({ diskPath: '/nonexistent/mcp-membership' })).toThrow(/ENOENT/);
  });
});
