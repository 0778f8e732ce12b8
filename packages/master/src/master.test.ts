import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { StepStatus } from '@mcp/proto';
import { ClientError, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';

import { FakeAgent } from './test-support/fake-agent.js';
import { removeStateDir, startTestMaster, type TestMaster } from './test-support/master.js';
import { serviceSpec } from './test-support/spec.js';
import { testDir } from './test-support/tmp.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function master(stateDir?: string): Promise<TestMaster> {
  const m = await startTestMaster({ stateDir, probeTimeoutMs: 1_000 });
  cleanup.push(() => m.close());
  return m;
}

/** Agents registered with `m`, `web` running on the first. */
async function agents(m: TestMaster, names: string[]): Promise<FakeAgent[]> {
  const out: FakeAgent[] = [];
  for (const name of names) {
    const a = await FakeAgent.start({ name });
    cleanup.push(() => a.stop());
    out.push(a);
  }
  out[0]?.services.set('web', serviceSpec('web', names[0]));
  for (const a of out) await a.register(m.address);
  return out;
}

async function refusal(work: Promise<unknown>): Promise<ClientError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientError);
  return err as ClientError;
}

describe('Master', () => {
  it('Master refuses deploys for one heartbeat interval after start, dry runs not', async () => {
    const m = await startTestMaster({ probeTimeoutMs: 1_000, startupGraceMs: 60_000 });
    cleanup.push(() => m.close());
    await agents(m, ['rift']);

    const err = await refusal(m.client.deploy({ spec: serviceSpec('api', 'rift'), dryRun: false }));
    expect(err.code).toBe(Status.UNAVAILABLE);
    expect(err.details).toMatch(/master has just started.*deploy again in (59|60) s/);
    const dry = await m.client.deploy({ spec: serviceSpec('api', 'rift'), dryRun: true });
    expect(dry.node).toBe('rift');
  });

  it('Master names the node, its address and a short reason for a down agent', async () => {
    const m = await master();
    const [rift] = await agents(m, ['rift']);
    await rift?.stop();

    const { errors } = await m.client.listServices({ node: '' });

    expect(errors).toEqual([
      {
        node: 'rift',
        error: `failed to reach node 'rift' at ${rift?.address}: connection refused`,
      },
    ]);
  });

  it('Master lists the known nodes when a listing names an unknown one', async () => {
    const m = await master();
    await agents(m, ['rift', 'orion']);

    const err = await refusal(m.client.listServices({ node: 'nosuch' }));

    expect(err.code).toBe(Status.NOT_FOUND);
    expect(err.details).toBe(
      "failed to list services: no node named 'nosuch'; known nodes: orion, rift",
    );
  });

  it.each([
    ['stop', (m: TestMaster) => m.client.stop({ service: 'web' })],
    ['start', (m: TestMaster) => m.client.start({ service: 'web' })],
    ['restart', (m: TestMaster) => m.client.restart({ service: 'web' })],
    ['undeploy', (m: TestMaster) => m.client.undeploy({ service: 'web' })],
    ['get the status of', (m: TestMaster) => m.client.status({ service: 'web' })],
  ])(
    'Master says where a service was last reported when that node is down (%s)',
    async (verb, call) => {
      const m = await master();
      const [rift] = await agents(m, ['rift', 'orion']);
      await rift?.stop();

      const err = await refusal(call(m));

      expect(err.code).toBe(Status.UNAVAILABLE);
      expect(err.details).toBe(
        `failed to ${verb} service 'web': it was last reported on node 'rift', which does not ` +
          'answer (connection refused)',
      );
    },
  );

  it('Master says where a service was last reported when that node is unhealthy', async () => {
    const m = await master();
    await agents(m, ['rift']);
    m.running.registry.probeFailed('rift', 'HealthCheck failed: gone');

    const err = await refusal(m.client.stop({ service: 'web' }));

    expect(err.details).toBe(
      "failed to stop service 'web': it was last reported on node 'rift', which does not " +
        'answer (unhealthy: HealthCheck failed: gone)',
    );
  });

  it('Master reads logs from a node that does not answer as a clear refusal', async () => {
    const m = await master();
    const [rift] = await agents(m, ['rift']);
    await rift?.stop();

    const stream = m.client.logs({ service: 'web', component: '', follow: false, tail: 0 });
    const err = await refusal(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    );

    expect(err.details).toMatch(
      /^failed to read the logs of service 'web': it was last reported on node 'rift'/,
    );
    expect(err.details).not.toContain('Resolution note');
  });

  it('Master undeploys where nodes answer and fails a step where one does not', async () => {
    const m = await master();
    const [rift, orion] = await agents(m, ['rift', 'orion']);
    orion?.services.set('web', serviceSpec('web', 'orion'));
    await orion?.heartbeat(m.address);
    await rift?.stop();

    const { steps } = await m.client.undeploy({ service: 'web' });

    expect(steps.map((s) => [s.node, s.status])).toEqual([
      ['rift', StepStatus.STEP_STATUS_FAILED],
      ['orion', StepStatus.STEP_STATUS_OK],
    ]);
    expect(steps[0]?.error).toBe(
      "node 'rift' does not answer (connection refused); the service stays there",
    );
    expect(orion?.services.has('web')).toBe(false);
  });

  it('Master restarted while a node is down says where a service was last reported', async () => {
    const dir = testDir('test-');
    cleanup.push(() => removeStateDir(dir));
    const first = await startTestMaster({ stateDir: dir });
    const [rift] = await agents(first, ['rift']);
    await first.close();
    await rift?.stop();

    const m = await master(dir);
    await m.running.rebuilt;
    const err = await refusal(m.client.stop({ service: 'web' }));

    expect(err.details).toMatch(
      /^failed to stop service 'web': it was last reported on node 'rift', which does not answer \(unhealthy: HealthCheck failed: failed to reach node 'rift' at 127\.0\.0\.1:\d+: connection refused\)$/,
    );
  });

  it('Master restarted from an old cache says a silent node may run the service', async () => {
    const dir = testDir('test-');
    cleanup.push(() => removeStateDir(dir));
    const first = await startTestMaster({ stateDir: dir });
    const [rift] = await agents(first, ['rift']);
    await first.close();
    await rift?.stop();
    // A cache written before services were kept in it.
    const file = join(dir, 'nodes.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { nodes: { services?: unknown }[] };
    for (const n of data.nodes) delete n.services;
    writeFileSync(file, JSON.stringify(data));

    const m = await master(dir);
    await m.running.rebuilt;
    const err = await refusal(m.client.stop({ service: 'web' }));

    expect(err.code).toBe(Status.NOT_FOUND);
    expect(err.details).toMatch(
      /^failed to find service 'web': no node that answered runs it; it may run on node 'rift', which does not answer \(unhealthy: .*\), and the master has not heard what runs there since it started$/,
    );
  });
});
