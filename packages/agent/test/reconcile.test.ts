import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'smol-toml';

import type { Agent } from '../src/agent.js';
import type { AgentConfig } from '../src/config.js';
import { planContainer } from '../src/container-spec.js';
import { startAgent, type RunningAgent } from '../src/main.js';
import { containerName } from '../src/runtime/labels.js';
import { securityTables, service, startHarness, web, type Harness } from './harness.js';

/** A container that stays up without a port. */
const IDLE = ['sh', '-c', "trap 'exit 0' TERM; sleep 600 & wait"];

let h: Harness;
const running: RunningAgent[] = [];

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  for (const r of running) await r.close();
  await h?.stop();
});

/** Starts an agent from a config file, as mcp-agent does, on the node and state of `agent`. */
async function restart(agent: Agent): Promise<Agent> {
  const c: AgentConfig = agent.config;
  const file = join(c.stateDir, 'agent.toml');
  writeFileSync(
    file,
    stringify({
      name: c.name,
      address: c.address,
      listen: c.listen,
      state_dir: c.stateDir,
      srv_root: c.srvRoot,
      runtime_socket: c.runtimeSocket,
      log_level: 'silent',
      ports: c.ports,
      ...securityTables(c.security),
    }),
  );
  const started = await startAgent(file);
  running.push(started);
  return started.agent;
}

describe('start-up reconcile', () => {
  it('start-up removes owned containers of services missing from the registry', async () => {
    const agent = h.agent();
    // Planned without host ports, httpd would find no $PORT and crash-loop under its restart
    // policy; Podman can refuse to remove a container caught between two restarts.
    const ghost = service('ghost', [web('web', h.images[0], { cmd: IDLE })]);
    const plan = planContainer(
      agent.config.name,
      agent.config.address,
      ghost,
      ghost.components[0]!,
      [],
      [],
    );
    const id = await agent.runtime.create(plan.options);
    await agent.runtime.start(id);
    // Another node's container on the same runtime is not this agent's to remove.
    const other = h.agent();
    const elsewhere = service('elsewhere', [web('web', h.images[0], { cmd: IDLE })]);
    const theirs = await other.runtime.create(
      planContainer(
        other.config.name,
        other.config.address,
        elsewhere,
        elsewhere.components[0]!,
        [],
        [],
      ).options,
    );

    await restart(agent);

    expect(await agent.runtime.inspect(id)).toBeUndefined();
    expect(await agent.runtime.inspect(theirs)).toBeDefined();
  });

  it('start-up adopts the container of a component whose recorded one is gone', async () => {
    const agent = h.agent();
    const spec = service('orphan', [web('web', h.images[0])]);
    await agent.deploy(spec);
    const stored = agent.store.get('orphan');
    await agent.runtime.remove(stored?.components[0]?.containerId ?? '');
    const held = (stored?.ports ?? []).map((p) => ({ route: p.route, hostPort: p.hostPort }));
    const plan = planContainer(
      agent.config.name,
      agent.config.address,
      spec,
      spec.components[0]!,
      held,
      [],
    );
    const id = await agent.runtime.create(plan.options);

    const restarted = await restart(agent);

    expect(restarted.store.get('orphan')?.components[0]?.containerId).toBe(id);
    const [status] = await restarted.status('orphan');
    expect(status?.components[0]?.state).not.toBe('missing');
  });

  it('start-up puts back the old container of a redeploy cut short', async () => {
    const agent = h.agent();
    const spec = service('cut', [web('web', h.images[0])]);
    await agent.deploy(spec);
    const old = agent.store.get('cut')?.components[0]?.containerId ?? '';
    // What a redeploy leaves when the agent dies after creating the new container.
    const name = containerName('cut', 'web');
    await agent.runtime.stop(old);
    await agent.runtime.docker.getContainer(old).rename({ name: `${name}.previous` });
    const next = service('cut', [web('web', h.images[1])]);
    const fresh = await agent.runtime.create(
      planContainer(agent.config.name, agent.config.address, next, next.components[0]!, [], [])
        .options,
    );

    await restart(agent);

    expect(await agent.runtime.inspect(fresh)).toBeUndefined();
    const owned = await agent.runtime.listOwned('cut');
    expect(owned.map((c) => [c.id, c.name, c.state])).toEqual([[old, name, 'running']]);
  });
});
