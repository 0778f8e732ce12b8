import { NodeHealth, NodeStatus } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { formatHealth, formatLastSeen, formatNodes, freeOf } from './format.js';

const GI = 2 ** 30;
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

describe('freeOf', () => {
  it.each([
    {
      what: 'free and capacity',
      free: { cpuMillis: 1500, memoryBytes: 0, diskBytes: 0 },
      capacity: { cpuMillis: 4000, memoryBytes: 0, diskBytes: 0 },
      want: '1500m/4',
    },
    {
      what: 'no heartbeat figures yet',
      free: undefined,
      capacity: { cpuMillis: 4000, memoryBytes: 0, diskBytes: 0 },
      want: '-/4',
    },
    {
      what: 'a node that reports neither',
      free: undefined,
      capacity: undefined,
      want: '-',
    },
    {
      what: 'nothing free of a known capacity',
      free: { cpuMillis: 0, memoryBytes: 0, diskBytes: 0 },
      capacity: { cpuMillis: 2000, memoryBytes: 0, diskBytes: 0 },
      want: '0/2',
    },
  ])('freeOf prints $what as $want', ({ free, capacity, want }) => {
    expect(freeOf(free, capacity, 'cpuMillis', (n) => (n % 1000 ? `${n}m` : `${n / 1000}`))).toBe(
      want,
    );
  });
});

describe('formatHealth', () => {
  it.each([
    { health: NodeHealth.NODE_HEALTH_HEALTHY, draining: false, want: 'healthy' },
    { health: NodeHealth.NODE_HEALTH_PROBING, draining: false, want: 'probing' },
    { health: NodeHealth.NODE_HEALTH_UNHEALTHY, draining: true, want: 'unhealthy,draining' },
    { health: NodeHealth.NODE_HEALTH_UNSPECIFIED, draining: false, want: 'unknown' },
  ])('formatHealth prints $want', ({ health, draining, want }) => {
    expect(formatHealth({ health, draining })).toBe(want);
  });
});

describe('formatLastSeen', () => {
  it('formatLastSeen prints the age, or never before the first heartbeat', () => {
    expect(formatLastSeen(NOW - 3_000, NOW)).toBe('3s ago');
    expect(formatLastSeen(NOW - 250_000, NOW)).toBe('4m10s ago');
    expect(formatLastSeen(0, NOW)).toBe('never');
  });
});

describe('formatNodes', () => {
  it('formatNodes prints a node that has only registered with dashes for what it lacks', () => {
    const node = NodeStatus.fromPartial({
      info: { name: 'new', capacity: { cpuMillis: 2000, memoryBytes: 4 * GI } },
      health: NodeHealth.NODE_HEALTH_PROBING,
    });

    const [, row] = formatNodes([node], NOW).split('\n');

    expect(row?.split(/ {2,}/)).toEqual([
      'new',
      '-',
      '-',
      '-',
      '-',
      'probing',
      '-',
      '-/2',
      '-/4Gi',
      '-',
      '-',
      'never',
    ]);
  });
});
