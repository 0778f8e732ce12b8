import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFakeAgent, type FakeAgent } from '../test-support/agent.js';
import { closedAddress } from '../test-support/cli.js';
import { credentialsFor } from '../test-support/security.js';
import { connectAgent } from './agent-client.js';
import type { Credentials } from './credentials.js';
import { AgentCallError, AgentUnreachableError } from './errors.js';

let agent: FakeAgent;
let alice: Credentials;

beforeAll(async () => {
  agent = await startFakeAgent('rift');
  alice = await credentialsFor(agent.security, 'alice');
});

afterAll(async () => {
  await agent.close();
});

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('connectAgent', () => {
  it('connectAgent returns what the agent answers', async () => {
    const conn = connectAgent({ name: 'rift', address: agent.address }, alice);

    try {
      expect((await conn.client.healthCheck({})).node).toBe('rift');
    } finally {
      conn.close();
    }
  });

  it("connectAgent turns the agent's error into AgentCallError naming the node", async () => {
    const conn = connectAgent({ name: 'rift', address: agent.address }, alice);

    const err = await caught(() => conn.client.stop({ service: 'ghost' }));
    conn.close();

    expect(err).toBeInstanceOf(AgentCallError);
    expect(err).toMatchObject({ node: 'rift', method: 'Stop', status: Status.NOT_FOUND });
    expect((err as Error).message).toBe("failed to find service 'ghost' on rift");
  });

  it('connectAgent reports a refused connection as an unreachable node', async () => {
    const address = await closedAddress();
    const conn = connectAgent({ name: 'orion', address }, alice, { configFile: '/c/mcp.toml' });

    const err = await caught(() => conn.client.status({ service: '' }));
    conn.close();

    expect(err).toBeInstanceOf(AgentUnreachableError);
    expect((err as Error).message).toBe(
      `failed to reach node 'orion' at ${address}: connection refused (ECONNREFUSED)\n` +
        "Check that mcp-agent runs there and that the [[nodes]] address of 'orion' in " +
        '/c/mcp.toml is right.',
    );
  });
});
