import { PlacementResult, PlacementStrategy } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { NoFeasibleNodeError } from '../errors.js';
import { catchError, fleet, Gi, Mi, node, spec } from '../test-support/fleet.js';
import { assertPlaced, place, placeEach } from './place.js';
import { withPlacement } from './snapshot.js';

const { PLACEMENT_STRATEGY_SPREAD: SPREAD, PLACEMENT_STRATEGY_BINPACK: BINPACK } =
  PlacementStrategy;

/** Two nodes: `big` with 8 cores and 16Gi half used, `small` with 2 cores and 2Gi empty. */
const nodes = [
  node('big', {
    capacity: { cpuMillis: 8000, memoryBytes: 16 * Gi, diskBytes: 0 },
    placements: [{ service: 'db', resources: { cpuMillis: 4000, memoryBytes: 8 * Gi } }],
  }),
  node('small', { capacity: { cpuMillis: 2000, memoryBytes: 2 * Gi, diskBytes: 0 } }),
];

describe('place ranking', () => {
  it.each([
    { desc: 'spread by default', options: {}, chosen: 'small', strategy: SPREAD },
    { desc: 'spread when asked', options: { strategy: SPREAD }, chosen: 'small', strategy: SPREAD },
    {
      desc: 'binpack when asked',
      options: { strategy: BINPACK },
      chosen: 'big',
      strategy: BINPACK,
    },
  ])('place ranks $desc', ({ options, chosen, strategy }) => {
    const result = place(spec(), fleet(nodes), options);

    expect(result.node).toBe(chosen);
    expect(result.strategy).toBe(strategy);
  });

  it('place records the score parts of a feasible node', () => {
    const result = place(spec(), fleet(nodes));

    // small: (2000 - 250) / 2000 cpu and (2048 - 256) / 2048 memory left once placed.
    expect(result.explanation[1]).toEqual({
      node: 'small',
      feasible: true,
      reasons: [],
      scoreParts: [
        { name: 'cpu_free', value: 0.875 },
        { name: 'memory_free', value: 0.875 },
      ],
      score: 0.875,
    });
  });

  it('place names the binpack score parts by the share used', () => {
    const result = place(spec(), fleet(nodes), { strategy: BINPACK });

    expect(result.explanation[0]?.scoreParts.map((p) => p.name)).toEqual([
      'cpu_used',
      'memory_used',
    ]);
  });

  it('place counts disk in the score only for a service that asks for it', () => {
    const withDisk = { resources: { cpuMillis: 250, memoryBytes: 256 * Mi, diskBytes: Gi } };

    const result = place(spec({}, withDisk), fleet([node('n')]));

    expect(result.explanation[0]?.scoreParts.map((p) => p.name)).toEqual([
      'cpu_free',
      'memory_free',
      'disk_free',
    ]);
  });

  it('place breaks ties by node name, whatever the order of the snapshot', () => {
    const result = place(spec(), fleet([node('c'), node('a'), node('b')]));

    expect(result.node).toBe('a');
    expect(result.explanation.map((e) => e.node)).toEqual(['a', 'b', 'c']);
  });

  it('place reports the whole request, defaults applied', () => {
    const result = place(spec({}, { resources: { cpuMillis: 0, memoryBytes: 0 } }), fleet(nodes));

    expect(result.requested).toEqual({ cpuMillis: 100, memoryBytes: 64 * Mi, diskBytes: 0 });
  });
});

describe('assertPlaced', () => {
  it('assertPlaced returns the chosen node', () => {
    expect(assertPlaced(place(spec(), fleet(nodes)))).toBe('small');
  });

  it('assertPlaced throws the reasons of the nodes within the target when nothing fits', () => {
    const huge = spec({ node: 'small' }, { resources: { cpuMillis: 3000, memoryBytes: Mi } });
    const result = place(huge, fleet(nodes));

    const err = catchError(() => assertPlaced(result));

    expect(err).toBeInstanceOf(NoFeasibleNodeError);
    expect(err).toMatchObject({
      code: 'NO_FEASIBLE_NODE',
      service: 'web',
      target: 'small',
      reasons: ['small: cpu 3 requested, 2 free'],
      result,
    });
    expect(err.message).toBe(
      "failed to place service 'web': node 'small' is not feasible: small: cpu 3 requested, 2 free",
    );
  });

  it('assertPlaced lists a few reasons in the message and counts the rest', () => {
    const many = Array.from({ length: 12 }, (_, i) => node(`n${i}`, { healthy: false }));

    const err = catchError(() => assertPlaced(place(spec(), fleet(many))));

    expect(err.message).toMatch(/^failed to place service 'web': no feasible node in the fleet: /);
    // Sorted by name: n0, n1, n10, n11, n2, ... so the eighth is n5.
    expect(err.message).toMatch(/n5: unhealthy; and 4 more$/);
  });
});

describe('placeEach', () => {
  const specs = ['a', 'b', 'c', 'd', 'e'].map((name) => spec({ name }));
  const capacity = { cpuMillis: 600, memoryBytes: Gi, diskBytes: 0 };
  const two = [node('n1', { capacity }), node('n2', { capacity })];

  it('placeEach counts each placement before the next', () => {
    const chosen = [...placeEach(specs, fleet(two))].map((r) => r.node);

    // Each node takes two services of 250m, then has 100m left, too little for the fifth.
    expect(chosen).toEqual(['n1', 'n2', 'n1', 'n2', '']);
  });

  it('placeEach answers as place does after each placement is recorded', () => {
    let snapshot = fleet(two);
    const expected: PlacementResult[] = [];
    for (const s of specs) {
      const result = place(s, snapshot);
      expected.push(result);
      if (result.node === '') continue;
      const placement = { service: s.name, resources: result.requested };
      snapshot = withPlacement(snapshot, result.node, placement);
    }

    // Read after the batch is done: each explanation still shows its own moment.
    const results = [...placeEach(specs, fleet(two))];

    expect(results).toEqual(expected);
  });
});

describe('placeEach with one service twice', () => {
  it('placeEach explains each decision as of its moment, a later one replacing an earlier', () => {
    const fleetOf = fleet([node('n1'), node('n2')]);
    const small = spec();
    const big = spec({}, { resources: { cpuMillis: 1000, memoryBytes: Gi, diskBytes: 0 } });

    const [first, second] = [...placeEach([small, big], fleetOf)];

    // Read after the batch: the second still counts the small request as its own on n1.
    const placement = { service: 'web', resources: first?.requested };
    expect(first).toEqual(place(small, fleetOf));
    expect(second).toEqual(place(big, withPlacement(fleetOf, 'n1', placement)));
  });
});

describe('place explanation', () => {
  it('place explanation survives JSON, cloning, spreading and the wire', () => {
    const result = place(spec(), fleet(nodes));
    const plain = { ...result, explanation: [...result.explanation] };

    expect(JSON.parse(JSON.stringify(result))).toEqual(plain);
    expect(structuredClone(result)).toEqual(plain);
    expect({ ...result }).toEqual(plain);
    expect(PlacementResult.decode(PlacementResult.encode(result).finish())).toEqual(plain);
  });

  it('place explanation can be replaced like a plain field', () => {
    const result = place(spec(), fleet(nodes));

    result.explanation = [];

    expect(result.explanation).toEqual([]);
  });

  it('place explanation can be read from a frozen result', () => {
    const result = Object.freeze(place(spec(), fleet(nodes)));

    expect(result.explanation.map((e) => e.node)).toEqual(['big', 'small']);
  });

  it('place explanation is the same object on every read', () => {
    const result = place(spec(), fleet(nodes));

    expect(result.explanation).toBe(result.explanation);
  });
});
