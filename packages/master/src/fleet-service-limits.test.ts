// Register and Heartbeat per identity: the buckets, a flood, and jittered heartbeats that are
// never refused.
import { jitterInterval } from '@mcp/membership';
import { ClientError, Status } from 'nice-grpc';
import { describe, expect, it } from 'vitest';

import { agent, master } from './test-support/fleet-fixture.js';
import { FakeClock } from './test-support/master.js';

/** A seeded source of numbers in [0, 1) (mulberry32), so a jittered run is the same each time. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('FleetService Heartbeat rate limit', () => {
  it('Heartbeat flood of 50 in one second is RESOURCE_EXHAUSTED once the burst is spent', async () => {
    const clock = new FakeClock();
    const m = await master({ clock });
    const [rift, orion] = [await agent('rift'), await agent('orion')];
    await rift.register(m.address);
    await orion.register(m.address);

    const answers = await rift.withFleet(m.address, async (fleet) => {
      const out: (string | ClientError)[] = [];
      for (let i = 0; i < 50; i++) {
        clock.advance(20);
        const beat = fleet.heartbeat({ node: 'rift', usage: undefined });
        out.push(
          await beat.then(
            () => 'ok',
            (e: unknown) => e as ClientError,
          ),
        );
      }
      return out;
    });

    expect(answers.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const refused = answers.slice(5);
    expect(refused.every((a) => a instanceof ClientError)).toBe(true);
    expect(refused.map((a) => (a as ClientError).code)).toEqual(
      Array(45).fill(Status.RESOURCE_EXHAUSTED),
    );
    expect((refused[0] as ClientError).details).toMatch(
      /^failed to accept heartbeat from node 'rift': more than 5 heartbeats at once, then one per 10 s from 'agent-rift'; retry in \d+ s$/,
    );
    // Another identity is not held back, and rift is heard again one interval later.
    await expect(orion.heartbeat(m.address)).resolves.toMatchObject({ registerAgain: false });
    clock.advance(10_000);
    await expect(rift.heartbeat(m.address)).resolves.toMatchObject({ registerAgain: false });
  });

  it.each([
    ["membership's jitterInterval", (random: () => number) => jitterInterval(10_000, random)],
    ['±20 % jitter', (random: () => number) => Math.round(10_000 * (0.8 + 0.4 * random()))],
  ])(
    'Heartbeat with %s over 10 simulated minutes, a retry every 5, is never refused',
    async (_what, gap) => {
      const clock = new FakeClock();
      const m = await master({ clock, intervalMs: 10_000 });
      const a = await agent('rift');
      await a.register(m.address);
      const random = seeded(7);

      const start = clock.now();
      let beats = 0;
      await a.withFleet(m.address, async (fleet) => {
        while (clock.now() - start < 600_000) {
          clock.advance(gap(random));
          await fleet.heartbeat({ node: 'rift', usage: undefined });
          beats++;
          // A heartbeat whose answer was lost is sent again at once (a reconnect).
          if (beats % 30 === 0) await fleet.heartbeat({ node: 'rift', usage: undefined });
        }
      });

      expect(beats).toBeGreaterThanOrEqual(55);
      expect(m.running.registry.get('rift')?.lastSeenMs).toBe(clock.now());
    },
  );
});
