import { NodeHealth } from '@mcp/proto';
import { ClientError, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';

import { FakeAgent } from './test-support/fake-agent.js';
import { FakeClock, startTestMaster, type TestMaster } from './test-support/master.js';
import { serviceSpec } from './test-support/spec.js';

const INTERVAL = 1000;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A master on a fake clock with one registered agent. */
async function fleet(): Promise<{ m: TestMaster; a: FakeAgent; clock: FakeClock }> {
  const clock = new FakeClock();
  const m = await startTestMaster({ clock, intervalMs: INTERVAL, probeTimeoutMs: 300 });
  cleanup.push(() => m.close());
  const a = await FakeAgent.start({ name: 'rift' });
  cleanup.push(() => a.stop());
  await a.register(m.address);
  return { m, a, clock };
}

function health(m: TestMaster): { health: NodeHealth; error: string } | undefined {
  const node = m.running.registry.get('rift');
  return node && { health: node.health, error: node.healthError };
}

describe('HealthMonitor', () => {
  it('HealthMonitor probes a node only once it is silent for more than 3 intervals', async () => {
    const { m, a, clock } = await fleet();
    // One HealthCheck came with the registration: the master checked the agent's address.
    const atRegistration = a.healthChecks;

    clock.advance(3 * INTERVAL);
    await m.running.monitor.check();

    expect(a.healthChecks).toBe(atRegistration);
    clock.advance(1);
    await m.running.monitor.check();
    expect(a.healthChecks).toBe(atRegistration + 1);
    expect(health(m)?.health).toBe(NodeHealth.NODE_HEALTH_HEALTHY);
  });

  it('HealthMonitor marks a silent node with a stopped agent unhealthy', async () => {
    const { m, a, clock } = await fleet();
    await a.stop();

    clock.advance(3 * INTERVAL + 1);
    await m.running.monitor.check();

    expect(health(m)?.health).toBe(NodeHealth.NODE_HEALTH_UNHEALTHY);
    expect(health(m)?.error).toMatch(/^HealthCheck failed: failed to reach node 'rift'/);
    const [row] = (await m.client.listNodes({})).nodes;
    expect(row?.health).toBe(NodeHealth.NODE_HEALTH_UNHEALTHY);
    expect(row?.healthError).toBe(health(m)?.error);
  });

  it('HealthMonitor marks a node unhealthy when its probe times out', async () => {
    const { m, a, clock } = await fleet();
    a.hang = true;

    clock.advance(3 * INTERVAL + 1);
    const started = performance.now();
    await m.running.monitor.check();

    expect(performance.now() - started).toBeLessThan(2000);
    expect(health(m)?.health).toBe(NodeHealth.NODE_HEALTH_UNHEALTHY);
    expect(health(m)?.error).toContain('no answer within 300 ms');
  });

  it('HealthMonitor marks an unhealthy node healthy when a later probe answers', async () => {
    const { m, a, clock } = await fleet();
    await a.stop();
    clock.advance(3 * INTERVAL + 1);
    await m.running.monitor.check();
    await a.listen();

    clock.advance(INTERVAL - 1);
    await m.running.monitor.check();
    expect(health(m)?.health).toBe(NodeHealth.NODE_HEALTH_UNHEALTHY);
    clock.advance(1);
    await m.running.monitor.check();

    expect(health(m)).toEqual({ health: NodeHealth.NODE_HEALTH_HEALTHY, error: '' });
  });

  it('HealthMonitor is overruled by a heartbeat, which marks the node healthy', async () => {
    const { m, a, clock } = await fleet();
    a.hang = true;
    clock.advance(3 * INTERVAL + 1);
    await m.running.monitor.check();

    await a.heartbeat(m.address);

    expect(health(m)?.health).toBe(NodeHealth.NODE_HEALTH_HEALTHY);
  });

  it('HealthMonitor keeps placements off an unhealthy node but lists its services', async () => {
    const { m, a, clock } = await fleet();
    a.services.set('web', serviceSpec('web', 'rift'));
    await a.heartbeat(m.address);
    a.hang = true;
    clock.advance(3 * INTERVAL + 1);
    await m.running.monitor.check();
    a.hang = false;

    const err = await m.client
      .deploy({ spec: serviceSpec('api', 'rift'), dryRun: false })
      .catch((e: unknown) => e as ClientError);

    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe(Status.FAILED_PRECONDITION);
    expect((err as ClientError).details).toContain('rift: unhealthy');
    expect(a.services.has('api')).toBe(false);
    const listed = await m.client.listServices({ node: '' });
    expect(listed.services.map((s) => `${s.node}/${s.name}`)).toEqual(['rift/web']);
  });
});
