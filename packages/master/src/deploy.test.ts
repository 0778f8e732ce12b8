import { NodeRole, PlacementMode, StepStatus, type DeployResponse } from '@mcp/proto';
import { ClientError, Status } from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';

import { FakeAgent, type FakeAgentOptions } from './test-support/fake-agent.js';
import { startTestMaster, type TestMaster } from './test-support/master.js';
import { serviceSpec } from './test-support/spec.js';

const GI = 2 ** 30;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Fleet {
  m: TestMaster;
  agents: Map<string, FakeAgent>;
  events: string[];
  deploy(name: string, node?: string, memory?: string, dryRun?: boolean): Promise<DeployResponse>;
  /** Where each service runs, by the agents' own state: `service@node`. */
  placed(): string[];
}

/** rift and orion (pool fast) are amd64 compute nodes, hyper an arm64 one (pool pi), svc edge. */
const DEFAULT_NODES: Omit<FakeAgentOptions, 'events'>[] = [
  { name: 'rift' },
  { name: 'orion', pools: ['fast'] },
  { name: 'hyper', pools: ['pi'], arch: 'arm64', capacity: { memoryBytes: 2 * GI } },
  { name: 'svc', roles: [NodeRole.NODE_ROLE_EDGE], capacity: { memoryBytes: 64 * GI } },
];

async function fleet(nodes = DEFAULT_NODES, deployDelayMs = 0): Promise<Fleet> {
  const m = await startTestMaster();
  cleanup.push(() => m.close());
  const events: string[] = [];
  const agents = new Map<string, FakeAgent>();
  for (const options of nodes) {
    const a = await FakeAgent.start({ ...options, events, deployDelayMs });
    cleanup.push(() => a.stop());
    await a.register(m.address);
    agents.set(a.name, a);
  }
  return {
    m,
    agents,
    events,
    deploy: (name, node = '', memory = '256Mi', dryRun = false) =>
      m.client.deploy({ spec: serviceSpec(name, node, memory), dryRun }),
    placed: () =>
      [...agents.values()].flatMap((a) => [...a.services.keys()].map((s) => `${s}@${a.name}`)),
  };
}

async function refusal(work: Promise<unknown>): Promise<ClientError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientError);
  return err as ClientError;
}

describe('Master deploy placement', () => {
  it('deploy without a node lands on healthy compute nodes, never on the edge node', async () => {
    const f = await fleet();
    f.m.running.registry.probeFailed('rift', 'HealthCheck failed: gone');

    for (const name of ['a', 'b', 'c', 'd']) await f.deploy(name);

    const nodes = f.placed().map((p) => p.split('@')[1]);
    expect(nodes).toHaveLength(4);
    expect(new Set(nodes)).toEqual(new Set(['orion', 'hyper']));
  });

  it('deploy to a pool lands inside the pool and says so in the placement step', async () => {
    const f = await fleet();

    const out = await f.deploy('web', 'pi');

    expect(out.node).toBe('hyper');
    expect(out.placement?.mode).toBe(PlacementMode.PLACEMENT_MODE_POOL);
    expect(out.placement?.explanation.map((e) => e.node)).toEqual([
      'hyper',
      'orion',
      'rift',
      'svc',
    ]);
    const step = out.steps[0];
    expect(step).toMatchObject({ name: 'placement', node: 'hyper' });
    expect(step?.detail).toMatch(/^placed on 'hyper' \(pool 'pi', spread\): score [\d.]+ \(/);
    expect(step?.detail).toContain('memory_free');
    expect(f.placed()).toEqual(['web@hyper']);
  });

  it('deploy to an unhealthy node is refused with the reason', async () => {
    const f = await fleet();
    f.m.running.registry.probeFailed('orion', 'HealthCheck failed: gone');

    const err = await refusal(f.deploy('web', 'orion'));

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toContain("node 'orion' is not feasible");
    expect(err.details).toContain('\n  orion: unhealthy');
    expect(f.events).toEqual([]);
  });

  it('deploy to a node too small is refused with the reason', async () => {
    const f = await fleet();

    const err = await refusal(f.deploy('web', 'hyper', '3Gi'));

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toContain('hyper: memory 3Gi requested, 2Gi free');
  });

  it('deploy that fits nowhere lists every node with its reasons, one line each', async () => {
    const f = await fleet();

    const err = await refusal(f.deploy('web', '', '32Gi'));

    const lines = err.details.split('\n');
    expect(lines[0]).toBe("failed to place service 'web': no feasible node in the fleet");
    expect(lines.slice(1).map((l) => l.trim().split(':')[0])).toEqual([
      'hyper',
      'orion',
      'rift',
      'svc',
    ]);
    expect(lines[4]).toContain('svc: edge node, runs no containers');
  });

  it('deploy to a name that is neither a node nor a pool is refused', async () => {
    const f = await fleet();

    const err = await refusal(f.deploy('web', 'nowhere'));

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toContain("no node or pool named 'nowhere'");
  });

  it('deploy to a name that is both a node and a pool is refused as ambiguous', async () => {
    const f = await fleet([{ name: 'rift' }, { name: 'orion', pools: ['rift'] }]);

    const err = await refusal(f.deploy('web', 'rift'));

    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toContain("'rift' names both a node and a pool");
  });

  it('deploy with dry_run returns the placement and touches no node', async () => {
    const f = await fleet();

    const out = await f.deploy('web', 'fast', '256Mi', true);

    expect(out.node).toBe('orion');
    expect(out.placement?.node).toBe('orion');
    expect(out.steps.map((s) => s.name)).toEqual(['placement']);
    expect(f.events).toEqual([]);
  });
});

describe('Master redeploy', () => {
  it('redeploy stays on its node while that node still satisfies the target', async () => {
    const f = await fleet();
    const first = await f.deploy('web', 'fast');

    const again = await f.deploy('web', 'fast', '512Mi');

    expect(again.node).toBe(first.node);
    expect(again.placement).toBeUndefined();
    expect(again.steps[0]?.detail).toBe(
      "runs on 'orion', which satisfies the target (pool 'fast'): redeploy in place",
    );
    expect(f.events).toEqual(['orion:deploy:web', 'orion:deploy:web']);
  });

  it('redeploy with a changed target deploys on the new node, then undeploys the old', async () => {
    const f = await fleet();
    await f.deploy('web', 'rift');

    const out = await f.deploy('web', 'orion');

    expect(f.events).toEqual(['rift:deploy:web', 'orion:deploy:web', 'rift:undeploy:web']);
    expect(f.placed()).toEqual(['web@orion']);
    expect(out.node).toBe('orion');
    expect(out.steps[0]?.detail).toMatch(/^moving from 'rift': placed on 'orion'/);
    expect(out.steps.at(-1)).toMatchObject({
      name: 'undeploy',
      node: 'rift',
      status: StepStatus.STEP_STATUS_OK,
      detail: "removed from 'rift' after the deploy on 'orion'",
    });
    expect(f.m.running.registry.hostsOf('web')).toEqual(['orion']);
  });

  it('a move whose deploy fails on the new node keeps the service on the old one', async () => {
    const f = await fleet();
    await f.deploy('web', 'rift');
    const orion = f.agents.get('orion');
    if (orion) orion.failDeploy = true;

    const out = await f.deploy('web', 'orion');

    expect(f.events).toEqual(['rift:deploy:web', 'orion:deploy:web']);
    expect(f.placed()).toEqual(['web@rift']);
    expect(out.steps.at(-1)).toMatchObject({
      name: 'undeploy',
      node: 'rift',
      status: StepStatus.STEP_STATUS_SKIPPED,
      detail: "kept on 'rift': the deploy on 'orion' failed",
    });
  });

  it('redeploy on an unhealthy node it runs on is refused, not moved', async () => {
    const f = await fleet();
    await f.deploy('web', 'rift');
    f.m.running.registry.probeFailed('rift', 'HealthCheck failed: gone');

    const err = await refusal(f.deploy('web'));

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toContain(
      "on node 'rift': the node is unhealthy (HealthCheck failed: gone)",
    );
    expect(f.placed()).toEqual(['web@rift']);
  });
});

describe('Master deploy concurrency', () => {
  it('two concurrent deploys of one service end with one deployment', async () => {
    const f = await fleet(DEFAULT_NODES, 150);

    const [a, b] = await Promise.all([f.deploy('web'), f.deploy('web')]);

    expect(f.placed()).toHaveLength(1);
    expect(a.node).toBe(b.node);
    expect(b.placement).toBeUndefined();
  });

  it('two services deployed at once do not both take the last free memory', async () => {
    const nodes = [{ name: 'tiny', capacity: { memoryBytes: 1 * GI } }];
    const f = await fleet(nodes, 150);

    const outcomes = await Promise.allSettled([
      f.deploy('a', '', '768Mi'),
      f.deploy('b', '', '768Mi'),
    ]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failed = outcomes.find((o) => o.status === 'rejected');
    expect((failed?.reason as ClientError).details).toContain('memory 768Mi requested, 256Mi free');
    expect(f.placed()).toHaveLength(1);
  });

  it('a failed deploy gives its counted memory back', async () => {
    const nodes = [{ name: 'tiny', capacity: { memoryBytes: 1 * GI } }];
    const f = await fleet(nodes);
    await f.agents.get('tiny')?.stop();

    await refusal(f.deploy('a', '', '768Mi'));

    expect(f.m.running.registry.get('tiny')?.pending.size).toBe(0);
  });
});
