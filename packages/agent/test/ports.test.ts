import { createServer, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LABELS } from '../src/runtime/labels.js';
import { service, startHarness, web, type Harness } from './harness.js';

let h: Harness;
const servers: Server[] = [];

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await h?.stop();
});

function hostPorts(out: { service?: { components: { ports: { hostPort: number }[] }[] } }) {
  return out.service?.components.flatMap((c) => c.ports.map((p) => p.hostPort)) ?? [];
}

describe('host ports', () => {
  it('deploy skips a host port another process listens on', async () => {
    const agent = h.agent();
    const { address, ports } = agent.config;
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(ports.min, address, resolve));

    const out = await agent.deploy(service('busy', [web('web', h.images[0])]));

    expect(out.steps.hasFailed).toBe(false);
    expect(hostPorts(out)).toEqual([ports.min + 1]);
    expect(out.service?.components[0]?.state).toBe('running');
  });

  it('deploys of two services at once get different host ports', async () => {
    const agent = h.agent();

    const [a, b] = await Promise.all([
      agent.deploy(service('left', [web('web', h.images[0])])),
      agent.deploy(service('right', [web('web', h.images[0])])),
    ]);

    expect(a.steps.hasFailed || b.steps.hasFailed).toBe(false);
    expect(new Set([...hostPorts(a), ...hostPorts(b)]).size).toBe(2);
    expect(a.service?.components[0]?.state).toBe('running');
    expect(b.service?.components[0]?.state).toBe('running');
  });

  it('deploy leaves the ports of owned containers missing from the registry alone', async () => {
    const agent = h.agent();
    const { address, ports, name } = agent.config;
    // A container left by a deploy that never reached the registry; created, so nothing binds yet.
    const port = `${ports.min}/tcp`;
    await agent.runtime.create({
      name: 'stray',
      Image: h.images[0],
      ExposedPorts: { [port]: {} },
      HostConfig: { PortBindings: { [port]: [{ HostIp: address, HostPort: String(ports.min) }] } },
      Labels: {
        [LABELS.managed]: 'true',
        [LABELS.node]: name,
        [LABELS.service]: 'gone',
        [LABELS.component]: 'web',
      },
    });

    const out = await agent.deploy(service('fresh', [web('web', h.images[0])]));

    expect(out.steps.hasFailed).toBe(false);
    expect(hostPorts(out)).toEqual([ports.min + 1]);
  });
});
