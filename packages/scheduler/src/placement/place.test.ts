import { NodeRole, PlacementMode, type NodeEvaluation, type PlacementResult } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { AmbiguousTargetError, DuplicateNodeError, UnknownTargetError } from '../errors.js';
import { catchError, fleet, Gi, Mi, node, NOW, spec } from '../test-support/fleet.js';
import { place } from './place.js';

const { NODE_ROLE_COMPUTE: COMPUTE, NODE_ROLE_EDGE: EDGE, NODE_ROLE_CONTROL: CONTROL } = NodeRole;

function evaluationOf(result: PlacementResult, name: string): NodeEvaluation | undefined {
  return result.explanation.find((e) => e.node === name);
}

describe('place modes', () => {
  const nodes = [
    node('rift'),
    node('orion', { capacity: { cpuMillis: 8000, memoryBytes: 16 * Gi, diskBytes: 0 } }),
    node('hyperborea', { arch: 'arm64', pools: ['pi-pool'] }),
    node('pi2', { arch: 'arm64', pools: ['pi-pool'], healthy: false }),
  ];

  it.each([
    { desc: 'node omitted: any node', target: '', mode: 'ANY', chosen: 'orion' },
    { desc: 'a node name: that node', target: 'rift', mode: 'NODE', chosen: 'rift' },
    { desc: 'a pool name: a node of it', target: 'pi-pool', mode: 'POOL', chosen: 'hyperborea' },
  ] as const)('place reads $desc', ({ target, mode, chosen }) => {
    const result = place(spec({ node: target }), fleet(nodes));

    expect(result.mode).toBe(PlacementMode[`PLACEMENT_MODE_${mode}`]);
    expect(result.target).toBe(target);
    expect(result.node).toBe(chosen);
  });

  it('place rejects the nodes outside an explicit node with that reason', () => {
    const result = place(spec({ node: 'rift' }), fleet(nodes));

    expect(evaluationOf(result, 'orion')?.reasons).toEqual(["orion: not the target node 'rift'"]);
  });

  it('place rejects the nodes outside a pool with that reason', () => {
    const result = place(spec({ node: 'pi-pool' }), fleet(nodes));

    expect(evaluationOf(result, 'rift')?.reasons).toEqual(["rift: not in pool 'pi-pool'"]);
    expect(evaluationOf(result, 'pi2')?.reasons).toEqual(['pi2: unhealthy']);
  });

  it('place refuses a name that is both a node and a pool', () => {
    const both = [...nodes, node('edge-pool', { pools: ['rift'] })];

    const run = () => place(spec({ node: 'rift' }), fleet(both));

    expect(run).toThrow(AmbiguousTargetError);
    expect(run).toThrow("failed to place service 'web': 'rift' names both a node and a pool");
    const err = catchError(run);
    expect(err).toMatchObject({ code: 'AMBIGUOUS_TARGET', service: 'web', target: 'rift' });
  });

  it('place refuses a name that is neither a node nor a pool', () => {
    const run = () => place(spec({ node: 'nowhere' }), fleet(nodes));

    expect(run).toThrow(UnknownTargetError);
    expect(catchError(run)).toMatchObject({ code: 'UNKNOWN_TARGET', target: 'nowhere' });
    expect(run).toThrow("failed to place service 'web': no node or pool named 'nowhere'");
  });

  it('place refuses an explicit node that does not pass the filters, saying why', () => {
    const result = place(spec({ node: 'pi2' }), fleet(nodes));

    expect(result.node).toBe('');
    expect(evaluationOf(result, 'pi2')?.reasons).toEqual(['pi2: unhealthy']);
  });

  it('place refuses a snapshot that names a node twice', () => {
    const run = () => place(spec(), fleet([node('rift'), node('rift')]));

    expect(run).toThrow(DuplicateNodeError);
    expect(catchError(run)).toMatchObject({ code: 'DUPLICATE_NODE', node: 'rift' });
  });
});

describe('place filters', () => {
  it.each([
    { desc: 'an edge node', node: { roles: [EDGE] }, reason: 'n: edge node, runs no containers' },
    {
      desc: 'an edge node that also declares compute',
      node: { roles: [EDGE, COMPUTE] },
      reason: 'n: edge node, runs no containers',
    },
    {
      desc: 'a control node without compute',
      node: { roles: [CONTROL] },
      reason: 'n: control node without the compute role',
    },
    { desc: 'a node with no role', node: { roles: [] }, reason: 'n: no compute role' },
    { desc: 'an unhealthy node', node: { healthy: false }, reason: 'n: unhealthy' },
    {
      desc: 'a node silent past the default limit',
      node: { lastHeartbeatMs: NOW - 45_000 },
      reason: 'n: last heartbeat 45s ago, stale after 30s',
    },
    {
      desc: 'a node silent past the snapshot limit',
      node: { lastHeartbeatMs: NOW - 3_000 },
      fleet: { staleAfterMs: 2_000 },
      reason: 'n: last heartbeat 3s ago, stale after 2s',
    },
    {
      desc: 'a node never heard from',
      node: { lastHeartbeatMs: 0 },
      reason: 'n: no heartbeat yet',
    },
    { desc: 'a draining node', node: { draining: true }, reason: 'n: draining' },
    {
      desc: 'a node of another architecture',
      node: { arch: 'arm64' },
      component: { arch: ['amd64'] },
      reason: "n: arch arm64, component 'web' runs on amd64 only",
    },
    {
      desc: 'a node that reports no architecture, for an image that needs one',
      node: { arch: '' },
      component: { arch: ['amd64', 'arm64'] },
      reason: "n: arch not reported, component 'web' runs on amd64, arm64 only",
    },
    {
      desc: 'a node without the CPU',
      node: { capacity: { cpuMillis: 200, memoryBytes: 8 * Gi, diskBytes: 0 } },
      reason: 'n: cpu 250m requested, 200m free',
    },
    {
      desc: 'a node whose measured free memory is short',
      node: { free: { cpuMillis: 4000, memoryBytes: 200 * Mi, diskBytes: 100 * Gi } },
      reason: 'n: memory 256Mi requested, 200Mi free',
    },
    {
      desc: 'a node filled by its placements',
      node: { placements: [{ service: 'db', resources: { cpuMillis: 0, memoryBytes: 7.9 * Gi } }] },
      reason: 'n: memory 256Mi requested, 102.4Mi free',
    },
    {
      desc: 'a node whose reservations leave too little',
      node: { reserved: { cpuMillis: 3900, memoryBytes: 0, diskBytes: 0 } },
      reason: 'n: cpu 250m requested, 100m free',
    },
    {
      desc: 'a node without the disk',
      component: { resources: { cpuMillis: 250, memoryBytes: 256 * Mi, diskBytes: 200 * Gi } },
      reason: 'n: disk 200Gi requested, 100Gi free',
    },
    {
      desc: 'a node too small for the default request of a component that asks nothing',
      node: { capacity: { cpuMillis: 4000, memoryBytes: 32 * Mi, diskBytes: 0 } },
      component: { resources: undefined },
      reason: 'n: memory 64Mi requested, 32Mi free',
    },
  ])('place rejects $desc', (row) => {
    const result = place(spec({}, row.component), fleet([node('n', row.node)], row.fleet));

    expect(result.node).toBe('');
    expect(result.explanation).toEqual([
      { node: 'n', feasible: false, reasons: [row.reason], scoreParts: [], score: 0 },
    ]);
  });

  it.each([
    { desc: 'a control node that also declares compute', node: { roles: [CONTROL, COMPUTE] } },
    { desc: 'a node silent within the limit', node: { lastHeartbeatMs: NOW - 29_000 } },
    { desc: 'a node whose clock runs ahead', node: { lastHeartbeatMs: NOW + 5_000 } },
    { desc: 'an arm64 node for an image without an arch list', node: { arch: 'arm64' } },
    {
      desc: 'a node reporting x86_64 for an amd64 image',
      node: { arch: 'x86_64' },
      component: { arch: ['amd64'] },
    },
    {
      desc: 'a node whose only tenant is the service itself, for a redeploy in place',
      node: {
        capacity: { cpuMillis: 300, memoryBytes: 300 * Mi, diskBytes: 0 },
        free: { cpuMillis: 0, memoryBytes: 0, diskBytes: 0 },
        placements: [{ service: 'web', resources: { cpuMillis: 250, memoryBytes: 256 * Mi } }],
      },
    },
    {
      desc: 'a node whose disk is unreported, for a service asking none',
      node: { capacity: { cpuMillis: 4000, memoryBytes: 8 * Gi, diskBytes: 0 } },
    },
    {
      desc: 'a node whose disk is overcommitted, for a service asking none',
      node: { placements: [{ service: 'db', resources: { diskBytes: 200 * Gi } }] },
    },
  ])('place accepts $desc', (row) => {
    const result = place(spec({}, row.component), fleet([node('n', row.node)]));

    expect(result.node).toBe('n');
    expect(evaluationOf(result, 'n')).toMatchObject({ feasible: true, reasons: [] });
  });

  it('place gives every reason of a node at once', () => {
    const n = node('n', { healthy: false, draining: true, arch: 'arm64' });

    const result = place(spec({}, { arch: ['amd64'] }), fleet([n]));

    expect(evaluationOf(result, 'n')?.reasons).toEqual([
      'n: unhealthy',
      'n: draining',
      "n: arch arm64, component 'web' runs on amd64 only",
    ]);
  });

  it('place sums the requests of all components', () => {
    const two = spec();
    two.components.push({ ...structuredClone(two.components[0]!), name: 'worker' });
    const n = node('n', { capacity: { cpuMillis: 400, memoryBytes: 8 * Gi, diskBytes: 0 } });

    const result = place(two, fleet([n]));

    expect(result.requested).toEqual({ cpuMillis: 500, memoryBytes: 512 * Mi, diskBytes: 0 });
    expect(evaluationOf(result, 'n')?.reasons).toEqual(['n: cpu 500m requested, 400m free']);
  });
});
