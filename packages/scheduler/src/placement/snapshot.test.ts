import { describe, expect, it } from 'vitest';

import { UnknownNodeError } from '../errors.js';
import { catchError, fleet, Gi, Mi, node } from '../test-support/fleet.js';
import { withPlacement } from './snapshot.js';

const free = { cpuMillis: 1000, memoryBytes: Gi, diskBytes: 10 * Gi };
const web = { service: 'web', resources: { cpuMillis: 250, memoryBytes: 256 * Mi, diskBytes: 0 } };

describe('withPlacement', () => {
  it('withPlacement adds the placement and lowers measured free', () => {
    const before = fleet([node('a', { free }), node('b')]);

    const after = withPlacement(before, 'a', web);

    expect(after.nodes[0]?.placements).toEqual([web]);
    expect(after.nodes[0]?.free).toEqual({
      cpuMillis: 750,
      memoryBytes: 768 * Mi,
      diskBytes: 10 * Gi,
    });
    expect(after.nodes[1]).toBe(before.nodes[1]);
  });

  it('withPlacement replaces an earlier placement of the same service on that node', () => {
    const older = { service: 'web', resources: { cpuMillis: 500, memoryBytes: Gi, diskBytes: 0 } };
    const before = fleet([
      node('a', { free, placements: [older, { service: 'db', resources: undefined }] }),
    ]);

    const after = withPlacement(before, 'a', web);

    expect(after.nodes[0]?.placements).toEqual([{ service: 'db', resources: undefined }, web]);
    expect(after.nodes[0]?.free?.cpuMillis).toBe(1250);
  });

  it('withPlacement floors free at zero and leaves unreported free absent', () => {
    const big = { service: 'big', resources: { cpuMillis: 5000, memoryBytes: 0, diskBytes: 0 } };

    const after = withPlacement(fleet([node('a', { free }), node('b')]), 'a', big);
    const unreported = withPlacement(fleet([node('b')]), 'b', big);

    expect(after.nodes[0]?.free?.cpuMillis).toBe(0);
    expect(unreported.nodes[0]?.free).toBeUndefined();
  });

  it('withPlacement leaves the snapshot it was given unchanged', () => {
    const before = fleet([node('a', { free })]);
    const copy = structuredClone(before);

    withPlacement(before, 'a', web);

    expect(before).toEqual(copy);
  });

  it('withPlacement refuses a node the snapshot does not hold', () => {
    const err = catchError(() => withPlacement(fleet([node('a')]), 'b', web));

    expect(err).toBeInstanceOf(UnknownNodeError);
    expect(err).toMatchObject({ code: 'UNKNOWN_NODE', service: 'web', node: 'b' });
    expect(err.message).toBe("failed to record service 'web': no node named 'b' in the snapshot");
  });
});
