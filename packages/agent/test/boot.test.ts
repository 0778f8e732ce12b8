// Boot stages of an agent started from its config file, against real containers: the stages run
// in order, a required stage holds the later ones back, an optional one does not.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { RouteMode } from '@mcp/proto';
import { freePort, waitFor } from '@mcp/testkit';
import { stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../src/agent.js';
import type { BootStageState } from '../src/boot.js';
import { startAgent, type RunningAgent } from '../src/main.js';
import { securityTables, service, startHarness, web, type Harness } from './harness.js';

/**
 * Listens on `$PORT` only 3 s after its start; the shell exits at once on SIGTERM (the listener
 * runs in a subshell it waits for, so the trap is not held up by `sleep`).
 */
const SLOW_HTTPD = [
  'sh',
  '-c',
  "trap 'exit 0' TERM; (sleep 3; exec httpd -f -p $PORT -h /) & wait",
];
const DELAY_MS = 3_000;

let h: Harness;
const running: RunningAgent[] = [];
const closers: (() => void)[] = [];

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  for (const close of closers) close();
  for (const r of running) await r.close();
  await h?.stop();
});

/** Starts mcp-agent from a config file on the node and state of `agent`, with `stages`. */
async function restart(agent: Agent, stages: Record<string, unknown>[]): Promise<RunningAgent> {
  const c = agent.config;
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
      boot: { stages },
      ...securityTables(c.security),
    }),
  );
  const started = await startAgent(file);
  running.push(started);
  return started;
}

/** Stops every container of a service behind the agent's back, as a host reboot does. */
async function stopContainers(agent: Agent, name: string): Promise<void> {
  for (const c of agent.store.get(name)?.components ?? []) await agent.runtime.stop(c.containerId);
}

async function containerState(agent: Agent, name: string) {
  const id = agent.store.get(name)?.components[0]?.containerId ?? '';
  return agent.runtime.inspect(id);
}

function stage(r: RunningAgent, name: string): BootStageState | undefined {
  return r.boot.states().find((s) => s.name === name);
}

function settled(r: RunningAgent, name: string, status: BootStageState['status']) {
  return waitFor(() => stage(r, name)?.status === status && stage(r, name), {
    what: `boot stage '${name}' ${status}`,
    timeoutMs: 60_000,
    intervalMs: 100,
  });
}

function slow(name: string, image: string) {
  return service(name, [
    {
      name: 'web',
      image,
      cmd: SLOW_HTTPD,
      routes: [
        { name: '', port: 8080, mode: RouteMode.ROUTE_MODE_L4, hostname: '', public: false },
      ],
    },
  ]);
}

describe('boot stages', () => {
  it('boot stages start stage two only after stage one is healthy', async () => {
    const agent = h.agent();
    await agent.deploy(slow('first', h.images[0]));
    await agent.deploy(service('second', [web('web', h.images[0])]));
    await stopContainers(agent, 'first');
    await stopContainers(agent, 'second');
    expect((await containerState(agent, 'second'))?.state).not.toBe('running');

    const r = await restart(agent, [
      { name: 'foundation', services: ['first'], health: [{ tcp_route: 'first' }] },
      { name: 'core', services: ['second'], health: [{ tcp_route: 'second' }] },
    ]);
    const core = await settled(r, 'core', 'healthy');
    const foundation = stage(r, 'foundation');

    const first = await containerState(r.agent, 'first');
    const second = await containerState(r.agent, 'second');
    expect(foundation?.status).toBe('healthy');
    expect(foundation?.required).toBe(true);
    expect(core.required).toBe(false);
    // Stage one waited for the delayed listener, not merely for the container.
    expect(foundation?.healthyAtMs).toBeGreaterThanOrEqual((first?.startedAtMs ?? 0) + DELAY_MS);
    // Stage two's container started after stage one was healthy.
    expect(second?.state).toBe('running');
    expect(second?.startedAtMs).toBeGreaterThanOrEqual(foundation?.healthyAtMs ?? Infinity);
  });

  it('boot stages hold every later stage back while a required stage fails', async () => {
    const agent = h.agent();
    await agent.deploy(service('blocked', [web('web', h.images[0])]));
    await stopContainers(agent, 'blocked');
    const nobody = await freePort(agent.config.address);

    const r = await restart(agent, [
      {
        name: 'foundation',
        timeout_ms: 500,
        health: [{ tcp: `${agent.config.address}:${nobody}` }],
      },
      { name: 'core', services: ['blocked'] },
    ]);
    await waitFor(() => (stage(r, 'foundation')?.attempts ?? 0) >= 2, {
      what: 'a second attempt of the foundation stage',
      timeoutMs: 30_000,
      intervalMs: 100,
    });

    const foundation = stage(r, 'foundation');
    expect(['running', 'retrying']).toContain(foundation?.status);
    expect(foundation?.error).toContain(`${agent.config.address}:${nobody}`);
    expect(foundation?.error).toContain('did not pass within 500 ms');
    expect(stage(r, 'core')).toMatchObject({ status: 'waiting', attempts: 0 });
    expect((await containerState(r.agent, 'blocked'))?.state).not.toBe('running');
    // The server answers meanwhile.
    const health = await (await h.dial(r.port)).healthCheck({});
    expect(health.node).toBe(agent.config.name);
    expect(health.runtimeOk).toBe(true);
  });

  it('boot stages go on after an optional stage fails', async () => {
    const agent = h.agent();
    await agent.deploy(service('after', [web('web', h.images[0])]));
    await stopContainers(agent, 'after');

    const r = await restart(agent, [
      { name: 'foundation' },
      { name: 'extras', services: ['ghost'] },
      { name: 'core', services: ['after'], health: [{ tcp_route: 'after' }] },
    ]);
    await settled(r, 'core', 'healthy');

    expect(stage(r, 'foundation')?.status).toBe('healthy');
    expect(stage(r, 'extras')).toMatchObject({ status: 'failed', attempts: 1, required: false });
    expect(stage(r, 'extras')?.error).toContain("service 'ghost' is not deployed here");
    expect((await containerState(r.agent, 'after'))?.state).toBe('running');
  });
});
