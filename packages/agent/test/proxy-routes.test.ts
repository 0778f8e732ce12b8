// Routes on the node's own mc-proxy (testkit's stand-in, which really proxies): registered on
// deploy and start, released on stop and undeploy, kept by the route keeper, and the route RPCs.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ProxyClient } from '@mcp/mcproxy';
import { RouteMode, StepStatus, type Step } from '@mcp/proto';
import {
  allocateLoopbackAddress,
  createTestCa,
  freePort,
  startMcProxy,
  waitFor,
  type McProxy,
  type TestCa,
} from '@mcp/testkit';
import { ClientError, Status } from 'nice-grpc';
import { stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../src/agent.js';
import { startAgent, type RunningAgent } from '../src/main.js';
import { securityTables, startHarness, type AgentOptions, type Harness } from './harness.js';
import { capturedLog, httpsGet, site as siteSpec, type SiteOptions } from './proxy-site.js';

let h: Harness;
let ca: TestCa;
let proxy: McProxy;
let admin: ProxyClient;
let dir: string;
/** The proxy's two listeners: one for L7 routes, one for L4 routes. */
let l7Port: number;
let l4Port: number;
const ZONE = 'test';
const running: RunningAgent[] = [];
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  h = await startHarness();
  dir = join(h.podman.dir, '..', 'proxy-routes');
  const address = allocateLoopbackAddress();
  l7Port = await freePort(address);
  l4Port = await freePort(address);
  proxy = await startMcProxy({ dir: join(dir, 'p'), address, listeners: [l7Port, l4Port] });
  admin = new ProxyClient(proxy.socketPath);
  ca = await createTestCa(join(dir, 'ca'));
  await ca.issue({ names: [`*.svc.mcp.${ZONE}`], dir: join(dir, 'certs') });
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  for (const r of running) await r.close();
  admin?.close();
  await proxy?.stop();
  await h?.stop();
});

/** An agent of this file's proxy, certificates and zone. */
function agent(extra: AgentOptions = {}): Agent {
  return h.agent({
    proxySocket: proxy.socketPath,
    certDir: join(dir, 'certs'),
    zone: ZONE,
    ...extra,
  });
}

/** The site of `a` named `name`, on this file's listeners and image v1 unless said. */
function site(a: Agent, name: string, extra: Partial<SiteOptions> = {}) {
  return siteSpec(a.config.srvRoot, name, { image: h.images[0], l7Port, l4Port, ...extra });
}

function step(steps: Step[], name: string): Step | undefined {
  return steps.find((s) => s.name === name);
}

/** The proxy's routes for `hostnames`, as `hostname:listener -> backend`, sorted as strings. */
async function routesOf(...hostnames: string[]): Promise<string[]> {
  const routes = await admin.listRoutes();
  return routes
    .filter((r) => hostnames.includes(r.hostname))
    .map((r) => `${r.hostname}:${r.listenerPort} -> ${r.backend}`)
    .sort();
}

/** The backends the registry holds for the service's routes web and raw. */
function backends(a: Agent, name: string): { web: string; raw: string } {
  const ports = a.store.get(name)?.ports ?? [];
  const of = (route: string) =>
    `${a.config.address}:${ports.find((p) => p.route === route)?.hostPort}`;
  return { web: of('web'), raw: of('raw') };
}

/** GET / through the proxy's L7 listener with SNI `hostname`, trusting the test CA. */
function viaProxy(hostname: string) {
  return httpsGet(proxy.address, l7Port, hostname, ca.certPath);
}

/** Stops the proxy for `work`, then starts it again, whatever `work` did. */
async function proxyDown<T>(work: () => Promise<T>): Promise<T> {
  await proxy.stop();
  try {
    return await work();
  } finally {
    await proxy.start();
  }
}

describe('routes on the node proxy', () => {
  it('deploy registers the L7 and L4 routes, and HTTPS reaches the container', async () => {
    const a = agent();

    const out = await a.deploy(site(a, 'site1'));

    expect(out.steps.hasFailed).toBe(false);
    expect(out.steps.list.map((s) => s.name)).toEqual([
      'validate',
      'admission',
      'certificates',
      'pull',
      'ports',
      'containers',
      'routes',
      'registry',
    ]);
    expect(step(out.steps.list, 'certificates')?.detail).toContain(`site1.svc.mcp.${ZONE}`);
    const b = backends(a, 'site1');
    expect(step(out.steps.list, 'routes')?.detail).toContain(`-> ${b.web}`);
    expect(await routesOf(`site1.svc.mcp.${ZONE}`, 'raw.site1.example.net')).toEqual([
      `raw.site1.example.net:${l4Port} -> ${b.raw}`,
      `site1.svc.mcp.${ZONE}:${l7Port} -> ${b.web}`,
    ]);

    const answer = await waitFor(() => viaProxy(`site1.svc.mcp.${ZONE}`).catch(() => undefined), {
      what: 'the container answering through the proxy',
      timeoutMs: 20_000,
    });
    expect(answer).toEqual({ status: 200, body: 'hello from site1\n' });
  });

  it('stop releases the routes and start registers them again', async () => {
    const a = agent();
    await a.deploy(site(a, 'site2'));
    const names = [`site2.svc.mcp.${ZONE}`, 'raw.site2.example.net'];

    const stopped = await a.stop('site2');

    expect(stopped.steps.hasFailed).toBe(false);
    expect(step(stopped.steps.list, 'routes')?.detail).toMatch(/^removed .*site2\.svc\.mcp/);
    expect(await routesOf(...names)).toEqual([]);

    const started = await a.start('site2');

    expect(step(started.steps.list, 'routes')?.detail).toMatch(/^added .*site2\.svc\.mcp/);
    expect(await routesOf(...names)).toHaveLength(2);
  });

  it('undeploy removes the containers, then the routes, then the registry rows', async () => {
    const a = agent();
    await a.deploy(site(a, 'site3'));

    const steps = await a.undeploy('site3');

    expect(steps.list.map((s) => [s.name, s.status])).toEqual([
      ['containers', StepStatus.STEP_STATUS_OK],
      ['routes', StepStatus.STEP_STATUS_OK],
      ['registry', StepStatus.STEP_STATUS_OK],
    ]);
    expect(await routesOf(`site3.svc.mcp.${ZONE}`, 'raw.site3.example.net')).toEqual([]);
  });

  it('a missing certificate fails the certificates step and creates no container', async () => {
    const a = agent();

    const out = await a.deploy(site(a, 'site4', { l7Hostname: 'nocert.example.net' }));

    const failed = step(out.steps.list, 'certificates');
    expect(failed?.status).toBe(StepStatus.STEP_STATUS_FAILED);
    expect(failed?.error).toContain(`'nocert.example.net' in '${join(dir, 'certs')}'`);
    expect(out.steps.list.map((s) => s.name)).not.toContain('containers');
    expect(await a.runtime.listOwned('site4')).toEqual([]);
    expect(a.store.get('site4')).toBeUndefined();
  });

  it('a refused route rolls the redeploy back and restores the previous routes', async () => {
    const a = agent();
    await a.deploy(site(a, 'site5'));
    const before = a.store.get('site5');
    const routesBefore = await routesOf(`site5.svc.mcp.${ZONE}`, 'raw.site5.example.net');
    const noListener = await freePort(proxy.address);

    const out = await a.deploy(site(a, 'site5', { l4Port: noListener, image: h.images[1] }));

    expect(step(out.steps.list, 'routes')?.status).toBe(StepStatus.STEP_STATUS_FAILED);
    expect(step(out.steps.list, 'routes')?.error).toContain(`raw.site5.example.net:${noListener}`);
    expect(step(out.steps.list, 'rollback')?.detail).toMatch(
      /removed new site5_web; restored site5_web \(started\); previous routes restored/,
    );
    expect(step(out.steps.list, 'registry')).toBeUndefined();
    expect(a.store.get('site5')?.ports).toEqual(before?.ports);
    const owned = await a.runtime.listOwned('site5');
    expect(owned.map((c) => [c.id, c.state])).toEqual([
      [before?.components[0]?.containerId, 'running'],
    ]);
    expect(await routesOf(`site5.svc.mcp.${ZONE}`, 'raw.site5.example.net')).toEqual(routesBefore);
  });

  it('a proxy down at deploy fails the routes step and leaves no new container', async () => {
    const a = agent();

    const out = await proxyDown(() => a.deploy(site(a, 'site6')));

    expect(step(out.steps.list, 'routes')?.status).toBe(StepStatus.STEP_STATUS_FAILED);
    expect(step(out.steps.list, 'routes')?.error).toContain(proxy.socketPath);
    expect(step(out.steps.list, 'rollback')?.detail).toMatch(
      /removed new site6_web; previous routes not restored on the proxy \(best effort\)/,
    );
    expect(await a.runtime.listOwned('site6')).toEqual([]);
    expect(a.store.get('site6')).toBeUndefined();
  });

  it('a proxy down at stop fails the routes step, and the service stays stopped', async () => {
    const a = agent();
    await a.deploy(site(a, 'site7'));

    const out = await proxyDown(() => a.stop('site7'));

    expect(step(out.steps.list, 'stop')?.status).toBe(StepStatus.STEP_STATUS_OK);
    expect(step(out.steps.list, 'routes')?.error).toMatch(/stays stopped; the route keeper/);
    expect(out.service?.active).toBe(false);
    expect(out.service?.components[0]?.state).not.toBe('running');
    expect(await routesOf(`site7.svc.mcp.${ZONE}`)).toHaveLength(1);

    await a.keepRoutes();

    expect(await routesOf(`site7.svc.mcp.${ZONE}`, 'raw.site7.example.net')).toEqual([]);
  });

  it('a deploy with active = false releases the routes', async () => {
    const a = agent();
    await a.deploy(site(a, 'site10'));

    const out = await a.deploy(site(a, 'site10', { active: false }));

    expect(out.steps.hasFailed).toBe(false);
    expect(step(out.steps.list, 'routes')?.detail).toMatch(/^removed /);
    expect(await routesOf(`site10.svc.mcp.${ZONE}`, 'raw.site10.example.net')).toEqual([]);
  });

  it('the proxy keeps the routes across its restart', async () => {
    const a = agent();
    await a.deploy(site(a, 'site8'));
    const names = [`site8.svc.mcp.${ZONE}`, 'raw.site8.example.net'];
    const before = await routesOf(...names);

    await proxy.stop();
    await proxy.start();

    expect(before).toHaveLength(2);
    expect(await routesOf(...names)).toEqual(before);
  });

  it('the route keeper logs each route it registers again, and warns at a silent proxy', async () => {
    const { log, lines } = capturedLog('info');
    const a = agent({ log });
    await a.deploy(site(a, 'site11'));
    await admin.removeRoute(l7Port, `site11.svc.mcp.${ZONE}`);

    await a.keepRoutes();
    await proxyDown(() => a.keepRoutes());

    const again = lines.filter((l) => l.msg === 'route registered again');
    expect(again.map((l) => [l.level, l.service, l.hostname, l.listenerPort])).toEqual([
      [30, 'site11', `site11.svc.mcp.${ZONE}`, l7Port],
    ]);
    const silent = lines.find((l) => l.msg === 'mc-proxy did not answer; routes not kept');
    expect([silent?.level, silent?.socket]).toEqual([40, proxy.socketPath]);
    expect(await routesOf(`site11.svc.mcp.${ZONE}`)).toHaveLength(1);
  });

  it('the route keeper registers the routes again after the proxy lost its database', async () => {
    const a = agent();
    const file = join(a.config.stateDir, 'agent.toml');
    writeFileSync(
      file,
      stringify({
        name: a.config.name,
        address: a.config.address,
        listen: '127.0.0.1:0',
        state_dir: a.config.stateDir,
        srv_root: a.config.srvRoot,
        runtime_socket: a.config.runtimeSocket,
        log_level: 'silent',
        ports: a.config.ports,
        proxy_socket: proxy.socketPath,
        cert_dir: join(dir, 'certs'),
        zone: ZONE,
        heartbeat_interval_ms: 500,
        ...securityTables(a.config.security),
      }),
    );
    const started = await startAgent(file);
    running.push(started);
    await started.agent.deploy(site(started.agent, 'site9'));
    const names = [`site9.svc.mcp.${ZONE}`, 'raw.site9.example.net'];
    const before = await routesOf(...names);

    await proxy.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${proxy.dbPath}${suffix}`, { force: true });
    expect(existsSync(proxy.dbPath)).toBe(false);
    await proxy.start();

    expect(before).toHaveLength(2);
    const again = await waitFor(
      async () => {
        const now = await routesOf(...names);
        return now.length === 2 ? now : undefined;
      },
      { what: 'the route keeper to register the routes again', timeoutMs: 10_000 },
    );
    expect(again).toEqual(before);
  });
});

describe('route RPCs', () => {
  async function serve(a: Agent) {
    return (await h.serve(a)).client;
  }

  async function refusal(call: Promise<unknown>): Promise<ClientError> {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClientError);
    return err as ClientError;
  }

  const route = (extra: object = {}) => ({
    listenerPort: l7Port,
    hostname: `repair.svc.mcp.${ZONE}`,
    backend: '127.0.0.1:1',
    mode: RouteMode.ROUTE_MODE_L7,
    ...extra,
  });

  it('AddRoute, ListRoutes and RemoveRoute act on the node proxy', async () => {
    const client = await serve(agent());

    expect((await client.addRoute({ route: route() })).changed).toBe(true);
    expect((await client.addRoute({ route: route() })).changed).toBe(false);
    const listed = (await client.listRoutes({})).routes.find(
      (r) => r.hostname === route().hostname,
    );
    expect(listed?.tlsCertPath).toBe(join(dir, 'certs', `_.svc.mcp.${ZONE}.crt`));
    expect(listed?.backend).toBe('127.0.0.1:1');

    const removal = { listenerPort: l7Port, hostname: route().hostname };
    expect((await client.removeRoute(removal)).removed).toBe(true);
    expect((await client.removeRoute(removal)).removed).toBe(false);
    expect(await routesOf(route().hostname)).toEqual([]);
  });

  it('AddRoute refuses a bad field, a missing certificate and a port without listener', async () => {
    const client = await serve(agent());
    const noListener = await freePort(proxy.address);

    const bad = await refusal(client.addRoute({ route: route({ backend: 'nowhere' }) }));
    const nocert = await refusal(
      client.addRoute({ route: route({ hostname: 'nocert.example.net' }) }),
    );
    const unheard = await refusal(client.addRoute({ route: route({ listenerPort: noListener }) }));

    expect([bad.code, bad.details]).toEqual([
      Status.INVALID_ARGUMENT,
      "route.backend: 'nowhere' is not host:port",
    ]);
    expect(nocert.code).toBe(Status.FAILED_PRECONDITION);
    expect(nocert.details).toMatch(/'nocert\.example\.net' in/);
    expect(unheard.code).toBe(Status.FAILED_PRECONDITION);
    expect(unheard.details).toContain(String(noListener));
  });

  it('route RPCs answer FailedPrecondition without a proxy, Unavailable with it down', async () => {
    const without = await serve(h.agent());
    const withProxy = await serve(agent());

    const none = await refusal(without.listRoutes({}));
    const down = await proxyDown(() => refusal(withProxy.listRoutes({})));

    expect(none.code).toBe(Status.FAILED_PRECONDITION);
    expect(none.details).toMatch(/^node '.+' has no mc-proxy configured \(proxy_socket\)$/);
    expect(down.code).toBe(Status.UNAVAILABLE);
    expect(down.details).toContain(proxy.socketPath);
  });
});
