import { PlacementMode, PlacementStrategy, type PlacementResult } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { formatPlacement, formatPlacementMode, formatResources } from './print-placement.js';

const MI = 2 ** 20;

describe('formatPlacementMode', () => {
  it.each([
    { mode: PlacementMode.PLACEMENT_MODE_NODE, target: 'rift', want: "node 'rift'" },
    { mode: PlacementMode.PLACEMENT_MODE_POOL, target: 'pi', want: "pool 'pi'" },
    { mode: PlacementMode.PLACEMENT_MODE_ANY, target: '', want: 'any compute node' },
  ])('formatPlacementMode prints $want', ({ mode, target, want }) => {
    expect(formatPlacementMode({ mode, target })).toBe(want);
  });
});

describe('formatResources', () => {
  it('formatResources prints cpu, memory and disk as operators write them', () => {
    expect(formatResources({ cpuMillis: 1500, memoryBytes: 256 * MI, diskBytes: 0 })).toBe(
      'cpu 1500m, memory 256Mi, disk 0B',
    );
    expect(formatResources(undefined)).toBe('-');
  });
});

describe('formatPlacement', () => {
  const result: PlacementResult = {
    service: 'mcq',
    node: '',
    mode: PlacementMode.PLACEMENT_MODE_POOL,
    target: 'pi',
    strategy: PlacementStrategy.PLACEMENT_STRATEGY_BINPACK,
    requested: { cpuMillis: 100, memoryBytes: 64 * MI, diskBytes: 0 },
    explanation: [
      {
        node: 'hyperborea',
        feasible: false,
        reasons: ["hyperborea: arch arm64, component 'mcq' runs on amd64 only", 'draining'],
        scoreParts: [],
        score: 0,
      },
      {
        node: 'pi2',
        feasible: true,
        reasons: [],
        scoreParts: [{ name: 'cpu_used', value: 0.5 }],
        score: 0.5,
      },
    ],
  };

  it('formatPlacement shows every node, reasons without the repeated node name', () => {
    expect(formatPlacement(result).split('\n')).toEqual([
      "target     pool 'pi', ranked by binpack",
      'node       none fits',
      'requested  cpu 100m, memory 64Mi, disk 0B',
      '',
      'NODE        RESULT    SCORE  DETAIL',
      "hyperborea  rejected  -      arch arm64, component 'mcq' runs on amd64 only; draining",
      'pi2         feasible  0.50   cpu_used 0.50',
    ]);
  });

  it('formatPlacement says so when the fleet has no nodes', () => {
    expect(formatPlacement({ ...result, explanation: [] })).toMatch(
      /\n\nThe fleet has no nodes\.$/,
    );
  });
});
