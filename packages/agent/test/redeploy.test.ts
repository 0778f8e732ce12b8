import { Writable } from 'node:stream';

import { StepStatus, type Step } from '@mcp/proto';
import { httpRequest } from '@mcp/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../src/agent.js';
import { containerName } from '../src/runtime/labels.js';
import { service, startHarness, web, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(() => h?.stop());

/** What `/VERSION` answers on a component's first host port. */
async function served(agent: Agent, name: string, component: string): Promise<string> {
  const port = agent.store.get(name)?.ports.find((p) => p.component === component)?.hostPort;
  const res = await httpRequest(`http://${agent.config.address}:${port}/VERSION`);
  return res.body.trim();
}

/** Waits until `/VERSION` answers (httpd binds a moment after the container starts). */
async function waitServed(agent: Agent, name: string, component: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return await served(agent, name, component);
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const failing = { cmd: ['/nonexistent'] };

function stepNamed(steps: Step[], name: string): Step | undefined {
  return steps.find((s) => s.name === name);
}

describe('redeploy', () => {
  it('redeploy whose new container fails to start keeps the old one serving', async () => {
    const agent = h.agent();
    await agent.deploy(service('keep', [web('web', h.images[0])]));
    const before = agent.store.get('keep');
    expect(await waitServed(agent, 'keep', 'web')).toBe('v1');

    const out = await agent.deploy(service('keep', [web('web', h.images[1], failing)]));

    const steps = out.steps.list;
    expect(stepNamed(steps, 'containers')?.status).toBe(StepStatus.STEP_STATUS_FAILED);
    expect(stepNamed(steps, 'containers')?.error).toMatch(/nonexistent/);
    expect(stepNamed(steps, 'rollback')?.status).toBe(StepStatus.STEP_STATUS_OK);
    expect(stepNamed(steps, 'rollback')?.detail).toMatch(/restored/);
    expect(stepNamed(steps, 'registry')).toBeUndefined();
    expect(agent.store.get('keep')?.components).toEqual(before?.components);
    expect(agent.store.get('keep')?.ports).toEqual(before?.ports);
    const owned = await agent.runtime.listOwned('keep');
    expect(owned.map((c) => [c.id, c.name, c.state])).toEqual([
      [before?.components[0]?.containerId, containerName('keep', 'web'), 'running'],
    ]);
    expect(await waitServed(agent, 'keep', 'web')).toBe('v1');
  });

  it('redeploy rolls back every component when a later one fails', async () => {
    const agent = h.agent();
    const v1 = service('pair', [web('api', h.images[0], {}, 8081), web('web', h.images[0])]);
    await agent.deploy(v1);
    const before = agent.store.get('pair');

    const v2 = service('pair', [
      web('api', h.images[1], {}, 8081),
      web('web', h.images[1], failing),
    ]);
    const out = await agent.deploy(v2);

    expect(stepNamed(out.steps.list, 'containers')?.status).toBe(StepStatus.STEP_STATUS_FAILED);
    expect(stepNamed(out.steps.list, 'rollback')?.detail).toMatch(/pair_api/);
    expect(agent.store.get('pair')?.components).toEqual(before?.components);
    const owned = await agent.runtime.listOwned('pair');
    expect(owned.map((c) => c.id).sort()).toEqual(
      before?.components.map((c) => c.containerId).sort(),
    );
    expect(owned.every((c) => c.state === 'running')).toBe(true);
    expect(await waitServed(agent, 'pair', 'api')).toBe('v1');
    expect(await waitServed(agent, 'pair', 'web')).toBe('v1');
  });

  it('redeploy that fails creating leaves a stopped service stopped', async () => {
    const agent = h.agent();
    await agent.deploy(service('quiet', [web('web', h.images[0])]));
    await agent.stop('quiet');
    const before = agent.store.get('quiet');
    // A container without mcp labels holds the name of the component added next.
    const foreign = await h.podman.podman([
      'create',
      '--name',
      containerName('quiet', 'extra'),
      h.images[0],
      'true',
    ]);

    const out = await agent.deploy(
      service('quiet', [web('web', h.images[1]), web('extra', h.images[0], {}, 8081)]),
    );

    expect(stepNamed(out.steps.list, 'containers')?.error).toMatch(/no mcp labels/);
    expect(stepNamed(out.steps.list, 'rollback')?.status).toBe(StepStatus.STEP_STATUS_OK);
    expect(agent.store.get('quiet')).toEqual(before);
    const owned = await agent.runtime.listOwned('quiet');
    expect(owned.map((c) => [c.id, c.name])).toEqual([
      [before?.components[0]?.containerId, containerName('quiet', 'web')],
    ]);
    expect(owned[0]?.state).not.toBe('running');
    expect(await agent.runtime.inspect(foreign.trim())).toBeDefined();
  });

  it('redeploy that succeeds removes the old container', async () => {
    const agent = h.agent();
    await agent.deploy(service('swap', [web('web', h.images[0])]));

    const out = await agent.deploy(service('swap', [web('web', h.images[1])]));

    expect(out.steps.hasFailed).toBe(false);
    const owned = await agent.runtime.listOwned('swap');
    expect(owned.map((c) => c.name)).toEqual([containerName('swap', 'web')]);
    expect(owned[0]?.id).toBe(agent.store.get('swap')?.components[0]?.containerId);
    expect(await waitServed(agent, 'swap', 'web')).toBe('v2');
  });
});

describe('active', () => {
  it('deploy with active = false stops the running containers of an unchanged service', async () => {
    const agent = h.agent();
    await agent.deploy(service('idle', [web('web', h.images[0])]));

    const out = await agent.deploy(service('idle', [web('web', h.images[0])], false));

    expect(out.steps.hasFailed).toBe(false);
    expect(out.service?.active).toBe(false);
    expect(out.service?.components[0]?.state).not.toBe('running');
    const owned = await agent.runtime.listOwned('idle');
    expect(owned.map((c) => c.state)).not.toContain('running');
  });
});

describe('logging', () => {
  it('failed step is logged as a warning with the step and the error', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const agent = h.agent({ log: pino({ level: 'warn' }, sink) });

    const out = await agent.deploy(
      service('broken', [web('web', h.images[0], { cmd: ['/nope'] })]),
    );

    expect(out.steps.list.find((s) => s.name === 'containers')?.status).toBe(
      StepStatus.STEP_STATUS_FAILED,
    );
    const warned = lines.find((l) => l.step === 'containers');
    expect(warned?.level).toBe(40);
    expect(warned?.service).toBe('broken');
    expect((warned?.err as { message?: string } | undefined)?.message).toMatch(/nope/);
    expect(warned?.msg).not.toMatch(/nope/);
  });
});
