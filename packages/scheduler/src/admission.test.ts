import { describe, expect, it } from 'vitest';

import { admit, assertAdmitted } from './admission.js';
import { NotAdmittedError } from './errors.js';
import { catchError, Gi, Mi, node, NOW, spec } from './test-support/fleet.js';

const at = { nowMs: NOW, staleAfterMs: 0 };

describe('admit', () => {
  it('admit accepts a service that fits, with its spread score', () => {
    const evaluation = admit(spec(), node('rift'), at);

    expect(evaluation).toMatchObject({ node: 'rift', feasible: true, reasons: [] });
    expect(evaluation.scoreParts.map((p) => p.name)).toEqual(['cpu_free', 'memory_free']);
  });

  it.each([
    { desc: 'the node by name', target: 'rift' },
    { desc: 'a pool of the node', target: 'pi-pool' },
    { desc: 'any node', target: '' },
  ])('admit accepts a service that targets $desc', ({ target }) => {
    const evaluation = admit(spec({ node: target }), node('rift', { pools: ['pi-pool'] }), at);

    expect(evaluation.feasible).toBe(true);
  });

  it('admit refuses a service that targets elsewhere, with the other reasons too', () => {
    const evaluation = admit(spec({ node: 'orion' }), node('rift', { draining: true }), at);

    expect(evaluation).toEqual({
      node: 'rift',
      feasible: false,
      reasons: ["rift: service targets 'orion', not this node or its pools", 'rift: draining'],
      scoreParts: [],
      score: 0,
    });
  });

  it('admit refuses what placement refuses, with the same reasons', () => {
    const pi = node('hyperborea', {
      arch: 'arm64',
      free: { cpuMillis: 4000, memoryBytes: 200 * Mi, diskBytes: Gi },
    });

    const evaluation = admit(spec({}, { arch: ['amd64'] }), pi, at);

    expect(evaluation.reasons).toEqual([
      "hyperborea: arch arm64, component 'web' runs on amd64 only",
      'hyperborea: memory 256Mi requested, 200Mi free',
    ]);
  });

  it('admit counts a redeploy in place against the room its current placement frees', () => {
    const full = node('rift', {
      capacity: { cpuMillis: 250, memoryBytes: 256 * Mi, diskBytes: 0 },
      placements: [{ service: 'web', resources: { cpuMillis: 250, memoryBytes: 256 * Mi } }],
    });

    expect(admit(spec(), full, at).feasible).toBe(true);
    expect(admit(spec({ name: 'other' }), full, at).feasible).toBe(false);
  });
});

describe('assertAdmitted', () => {
  it('assertAdmitted passes an admitted service', () => {
    expect(() => assertAdmitted(spec(), admit(spec(), node('rift'), at))).not.toThrow();
  });

  it('assertAdmitted throws the reasons of a refusal', () => {
    const evaluation = admit(spec(), node('rift', { healthy: false }), at);

    const err = catchError(() => assertAdmitted(spec(), evaluation));

    expect(err).toBeInstanceOf(NotAdmittedError);
    expect(err).toMatchObject({
      code: 'NOT_ADMITTED',
      service: 'web',
      node: 'rift',
      reasons: ['rift: unhealthy'],
      evaluation,
    });
    expect(err.message).toBe("failed to admit service 'web' on node 'rift': rift: unhealthy");
  });
});
