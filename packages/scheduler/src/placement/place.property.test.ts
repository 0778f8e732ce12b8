import {
  NodeRole,
  PlacementStrategy,
  type FleetSnapshot,
  type NodeSnapshot,
  type PlacementResult,
  type ServiceSpec,
} from '@mcp/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { admit } from '../admission.js';
import { AmbiguousTargetError, UnknownTargetError } from '../errors.js';
import { serviceResources } from '../resources.js';
import { Gi, Mi, node, NOW, spec } from '../test-support/fleet.js';
import { place, placeEach } from './place.js';
import { withPlacement } from './snapshot.js';

// Small fleets of every kind of node, and services that target any of them, a pool or nothing.
// The figures are small enough that fleets fill up and filters reject often.

const POOLS = ['pi-pool', 'big'];

/** Whole numbers spread evenly over a range: fast-check leans to small ones by default. */
const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min, max }));
const { NODE_ROLE_COMPUTE: COMPUTE, NODE_ROLE_EDGE: EDGE, NODE_ROLE_CONTROL: CONTROL } = NodeRole;

/** Mostly good compute nodes; about one in two has something wrong with it. */
const nodeArb = fc.record({
  roles: fc.constantFrom(
    ...Array.from({ length: 12 }, () => [COMPUTE]),
    [CONTROL, COMPUTE],
    [CONTROL],
    [EDGE],
    [],
  ),
  arch: fc.constantFrom('amd64', 'amd64', 'arm64', 'x86_64', 'aarch64', ''),
  pools: fc.subarray(POOLS),
  healthy: fc.constantFrom(...Array.from({ length: 9 }, () => true), false),
  draining: fc.constantFrom(true, ...Array.from({ length: 9 }, () => false)),
  // 0 is a node never heard from; a negative age is a node whose clock runs ahead.
  lastHeartbeatMs: fc.oneof(
    {
      arbitrary: uniform(-5_000, 9_000).map((age) => NOW - age),
      weight: 18,
    },
    {
      arbitrary: uniform(9_000, 90_000).map((age) => NOW - age),
      weight: 1,
    },
    { arbitrary: fc.constant(0), weight: 1 },
  ),
  capacity: fc.record({
    cpuMillis: uniform(500, 16_000),
    memoryBytes: uniform(256, 16_384).map((m) => m * Mi),
    diskBytes: fc.constantFrom(0, 20 * Gi, 100 * Gi, 100 * Gi),
  }),
  free: fc.option(
    fc.record({
      cpuMillis: uniform(0, 16_000),
      memoryBytes: uniform(0, 16_384).map((m) => m * Mi),
      diskBytes: uniform(0, 100).map((g) => g * Gi),
    }),
    { nil: undefined },
  ),
  reserved: fc.option(
    fc.record({
      cpuMillis: uniform(0, 500),
      memoryBytes: uniform(0, 512).map((m) => m * Mi),
      diskBytes: fc.constantFrom(0, Gi),
    }),
    { nil: undefined },
  ),
  placements: fc.array(
    fc.record({
      cpuMillis: uniform(0, 1000),
      memoryBytes: uniform(0, 1024).map((m) => m * Mi),
      diskBytes: fc.constantFrom(0, 0, Gi),
    }),
    { maxLength: 3 },
  ),
});

const fleetArb: fc.Arbitrary<FleetSnapshot> = fc
  .record({
    names: fc.uniqueArray(fc.stringMatching(/^[a-h][0-9]?$/), { minLength: 1, maxLength: 8 }),
    nodes: fc.array(nodeArb, { minLength: 8, maxLength: 8 }),
    staleAfterMs: fc.constantFrom(0, 10_000, 60_000),
  })
  .map(({ names, nodes, staleAfterMs }) => ({
    nowMs: NOW,
    staleAfterMs,
    nodes: names.map((name, i) => {
      const n = nodes[i] as (typeof nodes)[number];
      const placements = n.placements.map((r, k) => ({ service: `old-${k}`, resources: r }));
      return node(name, { ...n, placements });
    }),
  }));

const componentArb = fc.record({
  arch: fc.constantFrom([], [], [], [], [], [], ['amd64'], ['arm64'], ['amd64', 'arm64']),
  resources: fc.record({
    cpuMillis: fc.constantFrom(0, 100, 250, 500, 1000),
    memoryBytes: fc.constantFrom(0, 64, 256, 512, 1024).map((m) => m * Mi),
    diskBytes: fc.constantFrom(0, 0, 0, Gi),
  }),
});

/** A service whose target is drawn from what the fleet names, plus nothing and a stranger. */
function specArb(fleet: FleetSnapshot, name = 'web'): fc.Arbitrary<ServiceSpec> {
  const names = fleet.nodes.map((n) => n.name);
  const targets = ['', '', '', '', 'stranger', ...POOLS, ...names];
  return fc
    .record({
      node: fc.constantFrom(...targets),
      components: fc.array(componentArb, { minLength: 1, maxLength: 2 }),
    })
    .map(({ node: target, components }) => {
      const s = spec({ name, node: target });
      const base = s.components[0] as ServiceSpec['components'][number];
      s.components = components.map((c, i) => ({
        ...base,
        ...c,
        name: `c${i}`,
        arch: [...c.arch],
      }));
      return s;
    });
}

const scenario = fleetArb.chain((fleet) => fc.tuple(fc.constant(fleet), specArb(fleet)));
const strategyArb = fc.constantFrom(
  PlacementStrategy.PLACEMENT_STRATEGY_SPREAD,
  PlacementStrategy.PLACEMENT_STRATEGY_BINPACK,
);

/** Placement, or undefined when the target names nothing or two things (tested elsewhere). */
function tryPlace(
  s: ServiceSpec,
  fleet: FleetSnapshot,
  strategy?: PlacementStrategy,
): PlacementResult | undefined {
  try {
    return place(s, fleet, { strategy });
  } catch (err) {
    if (err instanceof UnknownTargetError || err instanceof AmbiguousTargetError) return undefined;
    throw err;
  }
}

/** Feasibility worked out again from the design, independently of the scheduler's code. */
function oracleFeasible(n: NodeSnapshot, s: ServiceSpec, fleet: FleetSnapshot): boolean {
  const arch = { x86_64: 'amd64', aarch64: 'arm64' }[n.arch] ?? n.arch;
  const limit = fleet.staleAfterMs || 30_000;
  const request = serviceResources(s);
  const sum = (pick: (r: NonNullable<NodeSnapshot['capacity']>) => number, own: boolean) =>
    n.placements
      .filter((p) => !own || p.service === s.name)
      .reduce((total, p) => total + (p.resources ? pick(p.resources) : 0), 0);
  // CPU is shared: measured free CPU does not limit placement, requests against capacity do.
  const fitsOn = (pick: (r: NonNullable<NodeSnapshot['capacity']>) => number, shared = false) => {
    const alloc = (n.capacity ? pick(n.capacity) : 0) - (n.reserved ? pick(n.reserved) : 0);
    const free = n.free && !shared ? pick(n.free) : Infinity;
    const room = Math.min(alloc - sum(pick, false), free) + sum(pick, true);
    return pick(request) === 0 || pick(request) <= room;
  };

  return (
    n.roles.includes(COMPUTE) &&
    !n.roles.includes(EDGE) &&
    n.healthy &&
    !n.draining &&
    n.lastHeartbeatMs > 0 &&
    fleet.nowMs - n.lastHeartbeatMs <= limit &&
    s.components.every((c) => c.arch.length === 0 || (arch !== '' && c.arch.includes(arch))) &&
    fitsOn((r) => r.cpuMillis, true) &&
    fitsOn((r) => r.memoryBytes) &&
    fitsOn((r) => r.diskBytes)
  );
}

function inTargetOf(n: NodeSnapshot, s: ServiceSpec): boolean {
  return s.node === '' || s.node === n.name || n.pools.includes(s.node);
}

describe('place properties', () => {
  it('place never chooses an infeasible node, and chooses one whenever one fits', () => {
    fc.assert(
      fc.property(scenario, strategyArb, ([fleet, s], strategy) => {
        const result = tryPlace(s, fleet, strategy);
        if (!result) return;

        const candidates = fleet.nodes.filter((n) => inTargetOf(n, s));
        const feasible = candidates.filter((n) => oracleFeasible(n, s, fleet)).map((n) => n.name);
        if (result.node === '') expect(feasible).toEqual([]);
        else expect(feasible).toContain(result.node);
      }),
      { numRuns: 500 },
    );
  });

  it('place chooses the best score, the first name among equals', () => {
    fc.assert(
      fc.property(scenario, strategyArb, ([fleet, s], strategy) => {
        const result = tryPlace(s, fleet, strategy);
        if (!result || result.node === '') return;

        const feasible = result.explanation.filter((e) => e.feasible);
        const top = Math.max(...feasible.map((e) => e.score));
        expect(result.node).toBe(feasible.find((e) => e.score === top)?.node);
      }),
    );
  });

  it('place gives the same answer for the same input, in any node order', () => {
    fc.assert(
      fc.property(scenario, strategyArb, ([fleet, s], strategy) => {
        const first = tryPlace(s, fleet, strategy);
        const again = tryPlace(structuredClone(s), structuredClone(fleet), strategy);
        const reversed = { ...fleet, nodes: [...fleet.nodes].reverse() };

        expect(again).toEqual(first);
        expect(tryPlace(s, reversed, strategy)).toEqual(first);
      }),
    );
  });

  it('place explanation names every node of the snapshot once, in name order', () => {
    fc.assert(
      fc.property(scenario, ([fleet, s]) => {
        const result = tryPlace(s, fleet);
        if (!result) return;

        const names = fleet.nodes.map((n) => n.name).sort();
        expect(result.explanation.map((e) => e.node)).toEqual(names);
        for (const e of result.explanation) {
          expect(e.feasible).toBe(e.reasons.length === 0);
          for (const reason of e.reasons) expect(reason.startsWith(`${e.node}: `)).toBe(true);
        }
      }),
    );
  });

  it('place, one service after another, never fills a node past its room', () => {
    const batch = fleetArb.chain((fleet) =>
      fc.tuple(
        fc.constant(fleet),
        fc.array(specArb(fleet), { minLength: 1, maxLength: 12 }),
        strategyArb,
      ),
    );

    fc.assert(
      fc.property(batch, ([fleet, drawn, strategy]) => {
        const specs = drawn
          .map((s, i) => ({ ...s, name: `svc-${i}` }))
          .filter((s) => tryPlace(s, fleet) !== undefined);
        let snapshot = fleet;
        const results: PlacementResult[] = [];
        for (const s of specs) {
          const result = place(s, snapshot, { strategy });
          results.push(result);
          if (result.node === '') continue;
          const placement = { service: s.name, resources: result.requested };
          snapshot = withPlacement(snapshot, result.node, placement);
        }

        // What was placed since the snapshot fits what the node had room for in it. A resource
        // the new services ask none of may stay as overcommitted as the snapshot had it.
        for (const before of fleet.nodes) {
          const after = snapshot.nodes.find((n) => n.name === before.name);
          const added = (after?.placements ?? []).filter((p) => p.service.startsWith('svc-'));
          if (added.length === 0) continue;
          for (const [pick, shared] of [
            [(r?: { cpuMillis: number }) => r?.cpuMillis ?? 0, true],
            [(r?: { memoryBytes: number }) => r?.memoryBytes ?? 0, false],
            [(r?: { diskBytes: number }) => r?.diskBytes ?? 0, false],
          ] as const) {
            const used = before.placements.reduce((t, p) => t + pick(p.resources), 0);
            const total = added.reduce((t, p) => t + pick(p.resources), 0);
            if (total === 0) continue;
            expect(used + total).toBeLessThanOrEqual(pick(before.capacity) - pick(before.reserved));
            if (before.free && !shared) expect(total).toBeLessThanOrEqual(pick(before.free));
          }
        }

        // The batch form answers the same, explanations included.
        expect([...placeEach(specs, fleet, { strategy })]).toEqual(results);
      }),
      { numRuns: 200 },
    );
  });

  it('admit agrees with place on a fleet of one node', () => {
    fc.assert(
      fc.property(scenario, ([fleet, s]) => {
        const only = fleet.nodes[0] as NodeSnapshot;
        const anywhere = { ...s, node: '' };

        const admitted = admit(anywhere, only, fleet);
        const placed = place(anywhere, { ...fleet, nodes: [only] });

        expect(admitted).toEqual(placed.explanation[0]);
      }),
    );
  });
});
