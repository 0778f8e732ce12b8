import { AgentServiceDefinition, type AgentServiceClient } from '@mcp/proto';
import { ClientError, createChannel, createClient, Status, type Channel } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EDGE_RPCS, serveEdgeAgent } from './server.js';

let close: () => Promise<void>;
let channel: Channel;
let client: AgentServiceClient;

beforeAll(async () => {
  const { server, port } = await serveEdgeAgent('svc', '1.2.3', '127.0.0.1:0');
  channel = createChannel(`127.0.0.1:${port}`);
  client = createClient(AgentServiceDefinition, channel);
  close = async () => {
    channel.close();
    await server.shutdown();
  };
});

afterAll(() => close());

/** The refusal a call met; fails the test when the call succeeded. */
async function refusal(call: () => Promise<unknown>): Promise<ClientError> {
  try {
    await call();
  } catch (err) {
    if (err instanceof ClientError) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}

describe('edge AgentService', () => {
  it('answers HealthCheck without a container runtime', async () => {
    expect(await client.healthCheck({})).toEqual({
      node: 'svc',
      version: '1.2.3',
      runtimeOk: false,
      runtimeVersion: 'none (edge node)',
      containers: 0,
      rpcs: ['mcp.v1.AgentService/HealthCheck'],
    });
    expect(EDGE_RPCS).toEqual(['mcp.v1.AgentService/HealthCheck']);
  });

  it.each([
    { method: 'Deploy', call: () => client.deploy({}) },
    { method: 'Stop', call: () => client.stop({ service: 'mcq' }) },
    { method: 'Start', call: () => client.start({ service: 'mcq' }) },
    { method: 'Restart', call: () => client.restart({ service: 'mcq' }) },
    { method: 'Undeploy', call: () => client.undeploy({ service: 'mcq' }) },
    { method: 'Status', call: () => client.status({ service: '' }) },
  ])('refuses $method with FAILED_PRECONDITION', async ({ method, call }) => {
    const err = await refusal(call);

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toBe(
      `node 'svc' is an edge node: it runs no containers; ${method} is not available here`,
    );
  });

  it('refuses the Logs stream with FAILED_PRECONDITION', async () => {
    const stream = client.logs({ service: 'mcq', component: '', follow: false, tail: 0 });
    const err = await refusal(() => stream[Symbol.asyncIterator]().next());

    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toMatch(/Logs is not available here/);
  });

  it('lists every other AgentService RPC as refused, none forgotten', () => {
    const names = Object.values(AgentServiceDefinition.methods).map((m) => m.name);
    expect(names.filter((n) => n !== 'HealthCheck').sort()).toEqual(
      ['Deploy', 'Logs', 'Restart', 'Start', 'Status', 'Stop', 'Undeploy'].sort(),
    );
  });
});
