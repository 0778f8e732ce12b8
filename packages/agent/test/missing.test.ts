import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../src/agent.js';
import { service, startHarness, web, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(() => h?.stop());

/** Deploys `name` with components api and web, then removes web's container by hand. */
async function withoutWeb(agent: Agent, name: string): Promise<void> {
  await agent.deploy(service(name, [web('api', h.images[0], {}, 8081), web('web', h.images[0])]));
  const id = agent.store.get(name)?.components.find((c) => c.name === 'web')?.containerId ?? '';
  await agent.runtime.docker.getContainer(id).remove({ force: true });
}

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const chunk of iterable) void chunk;
}

describe('containers removed behind the agent', () => {
  it('stop counts a missing container as stopped', async () => {
    const agent = h.agent();
    await withoutWeb(agent, 'gone1');

    const out = await agent.stop('gone1');

    expect(out.steps.hasFailed).toBe(false);
    expect(out.steps.list[0]?.detail).toMatch(/missing/);
    expect(out.service?.active).toBe(false);
    expect(out.service?.components.find((c) => c.name === 'api')?.state).not.toBe('running');
  });

  it('start names the missing component and how to recreate it', async () => {
    const agent = h.agent();
    await withoutWeb(agent, 'gone2');
    await agent.stop('gone2');

    const err = await agent.start('gone2').catch((e: unknown) => e);

    expect((err as Error).message).toMatch(/component 'web' of service 'gone2'/);
    expect((err as Error).message).toMatch(/mcp deploy gone2/);
    expect((err as { code?: string }).code).toBe('CONTAINER_MISSING');
  });

  it('restart names the missing component and how to recreate it', async () => {
    const agent = h.agent();
    await withoutWeb(agent, 'gone3');

    const err = await agent.restart('gone3').catch((e: unknown) => e);

    expect((err as Error).message).toMatch(/component 'web' of service 'gone3'.*mcp deploy gone3/);
  });

  it('logs of a missing container say how to recreate it', async () => {
    const agent = h.agent();
    await withoutWeb(agent, 'gone4');
    const signal = new AbortController().signal;

    const err = await drain(agent.logs('gone4', 'web', false, 0, signal)).catch((e: unknown) => e);

    expect((err as Error).message).toMatch(/component 'web' of service 'gone4'.*mcp deploy gone4/);
    expect((err as Error).message).not.toMatch(/HTTP code/);
  });
});
