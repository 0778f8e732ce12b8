import { StepStatus } from '@mcp/proto';
import { DefinitionError } from '@mcp/scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { containerName, LABELS } from '../src/runtime/labels.js';
import { service, startHarness, web, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(() => h?.stop());

describe('container names', () => {
  it('containerName keeps services apart whose names join alike', () => {
    expect(containerName('a', 'b-c')).not.toBe(containerName('a-b', 'c'));
    expect(containerName('a', 'b-c')).toBe('a_b-c');
    expect(containerName('web', 'web')).toBe('web');
  });

  it('deploy gives a + b-c and a-b + c containers of their own', async () => {
    const agent = h.agent();

    const first = await agent.deploy(service('a', [web('b-c', h.images[0])]));
    const second = await agent.deploy(service('a-b', [web('c', h.images[0])]));

    expect(first.steps.hasFailed).toBe(false);
    expect(second.steps.hasFailed).toBe(false);
    expect(second.service?.components[0]?.state).toBe('running');
  });

  it('deploy names the other service whose container holds the name', async () => {
    const agent = h.agent();
    await agent.runtime.create({
      name: containerName('z', 'web'),
      Image: h.images[0],
      Labels: {
        [LABELS.managed]: 'true',
        [LABELS.node]: agent.config.name,
        [LABELS.service]: 'other',
        [LABELS.component]: 'web',
      },
    });

    const out = await agent.deploy(service('z', [web('web', h.images[0])]));

    const step = out.steps.list.find((s) => s.name === 'containers');
    expect(step?.status).toBe(StepStatus.STEP_STATUS_FAILED);
    expect(step?.error).toMatch(/belongs to service 'other'/);
    expect(step?.error).not.toMatch(/no mcp labels/);
  });
});

describe('networks', () => {
  it('deploy creates a named network before the containers', async () => {
    const agent = h.agent();
    const net = `mcpt${process.pid}`;

    const out = await agent.deploy(service('netted', [web('web', h.images[0], { network: net })]));

    expect(out.steps.hasFailed).toBe(false);
    expect(out.service?.components[0]?.state).toBe('running');
    const found = await agent.runtime.docker.listNetworks({ filters: { name: [net] } });
    expect(found.map((n) => n.Name)).toContain(net);
  });

  it('deploy refuses network host, naming the field', async () => {
    const agent = h.agent();
    const spec = service('hosted', [web('web', h.images[0], { network: 'host' })]);

    const err = await agent.deploy(spec).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(DefinitionError);
    expect((err as DefinitionError).path).toBe('components[0].network');
    expect(await agent.runtime.listOwned('hosted')).toEqual([]);
  });

  it('deploy refuses network none for a component with routes', async () => {
    const agent = h.agent();
    const spec = service('cut', [
      { name: 'job', image: h.images[0], cmd: ['sleep', '60'], network: 'none' },
      web('web', h.images[0], { network: 'none' }),
    ]);

    const err = await agent.deploy(spec).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(DefinitionError);
    expect((err as DefinitionError).path).toBe('components[1].network');
  });
});
