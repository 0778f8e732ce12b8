// Version skew: an older agent (a real server that serves HealthCheck only, over TLS, calls
// authorized) and what the master says when it lacks an RPC.
import { AgentServiceDefinition, NodeRole } from '@mcp/proto';
import { authorize, loadSecurity } from '@mcp/security';
import { createServer, Status, type Server } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Agents } from './agents.js';
import { AgentVersionSkewError, toServerError } from './errors.js';
import { NodeRegistry } from './registry.js';
import { FakeClock } from './test-support/master.js';
import { testSecurity } from './test-support/security.js';

const HEALTH = `${AgentServiceDefinition.fullName}/HealthCheck`;
let server: Server;
let agents: Agents;

beforeAll(async () => {
  // An agent of an older release: its service knows HealthCheck and nothing else.
  const { healthCheck } = AgentServiceDefinition.methods;
  const security = await testSecurity();
  const old = loadSecurity(await security.config('agent-old'));
  const master = loadSecurity(await security.config('mcp-master'));
  server = createServer().use(authorize({ validator: old.validator }));
  server.add(
    {
      name: AgentServiceDefinition.name,
      fullName: AgentServiceDefinition.fullName,
      methods: { healthCheck },
    },
    {
      healthCheck: async () => ({
        node: 'old',
        version: '0.0.1',
        rpcs: [HEALTH],
        runtimeOk: true,
        runtimeVersion: '',
        containers: 0,
      }),
    },
  );
  const port = await server.listen('127.0.0.1:0', old.server);
  const registry = new NodeRegistry({ clock: new FakeClock(0), intervalMs: 10_000 });
  registry.register(
    {
      name: 'old',
      roles: [NodeRole.NODE_ROLE_COMPUTE],
      address: '127.0.0.1',
      agentAddress: `127.0.0.1:${port}`,
      arch: 'amd64',
      os: 'debian',
      pools: [],
      version: '0.0.1',
      rpcs: [HEALTH],
      capacity: { cpuMillis: 1000, memoryBytes: 2 ** 30, diskBytes: 0 },
      reserved: undefined,
    },
    undefined,
  );
  agents = new Agents(registry, { credentials: master.channel, token: master.token });
});

afterAll(async () => {
  agents.close();
  await server.shutdown();
});

const SKEW =
  "failed to call mcp.v1.AgentService/Status on node 'old': it runs agent version 0.0.1, which " +
  'does not implement it; upgrade it with `mcp agent upgrade old`';

describe('Agents', () => {
  it('Agents.call names node, version and upgrade for an Unimplemented answer', async () => {
    const call = agents.call('old', 'Status', (c) => c.status({ service: '' }));

    await expect(call).rejects.toThrow(AgentVersionSkewError);
    await expect(call).rejects.toThrow(SKEW);
  });

  it('Agents.require refuses before calling when the node did not report the RPC', () => {
    expect(() => agents.require('old', 'status')).toThrow(SKEW);
    expect(() => agents.require('old', 'healthCheck')).not.toThrow();
  });

  it('Agents.reconnect opens a new channel for the next call, which still answers', async () => {
    const before = agents.client('old');
    expect(agents.client('old')).toBe(before);

    agents.reconnect('old');
    const after = agents.client('old');

    expect(after).not.toBe(before);
    expect((await agents.call('old', 'HealthCheck', (c) => c.healthCheck({}))).node).toBe('old');
  });

  it('AgentVersionSkewError reaches the CLI as FAILED_PRECONDITION with its message', () => {
    const err = toServerError(
      new AgentVersionSkewError('old', '0.0.1', 'mcp.v1.AgentService/Status'),
    );

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toBe(SKEW);
  });
});
