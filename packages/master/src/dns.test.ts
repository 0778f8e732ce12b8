import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';

import { StepStatus, type Step } from '@mcp/proto';
import {
  allocateLoopbackAddress,
  cleanupAll,
  freePort,
  startMcns,
  waitFor,
  type Mcns,
} from '@mcp/testkit';
import { ClientError, Status } from 'nice-grpc';
import type { Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { McnsConfig } from './config.js';
import { NODE_RECORD_REFRESH_MS } from './dns.js';
import { McnsClient } from './mcns.js';
import { FakeAgent } from './test-support/fake-agent.js';
import { captureLog, FakeClock, startTestMaster, type TestMaster } from './test-support/master.js';
import { serviceSpec } from './test-support/spec.js';
import { testDir } from './test-support/tmp.js';

const ZONE = 'mcp.test';
let mcns: Mcns;

beforeAll(async () => {
  mcns = await startMcns({
    dir: join(testDir('mcns-'), 'mcns'),
    address: allocateLoopbackAddress(),
    zone: ZONE,
  });
});

afterAll(() => cleanupAll());

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function config(over: Partial<McnsConfig> = {}): McnsConfig {
  return { url: mcns.url, tokenFile: mcns.tokenFile, token: mcns.token, zone: ZONE, ...over };
}

/** A master using `mcns`, and compute nodes rift (127.0.0.2) and orion (127.0.0.3). */
async function dnsFleet(
  mcnsConfig = config(),
  log?: Logger,
): Promise<{ m: TestMaster; rift: FakeAgent; orion: FakeAgent }> {
  const m = await startTestMaster({ mcns: mcnsConfig, log });
  cleanup.push(() => m.close());
  const rift = await FakeAgent.start({ name: 'rift', address: '127.0.0.2' });
  const orion = await FakeAgent.start({ name: 'orion', address: '127.0.0.3', portBase: 21000 });
  cleanup.push(
    () => rift.stop(),
    () => orion.stop(),
  );
  await rift.register(m.address);
  await orion.register(m.address);
  return { m, rift, orion };
}

function resolve4(name: string): Promise<string[]> {
  const r = new Resolver({ timeout: 2_000, tries: 1 });
  r.setServers([`${mcns.dnsAddress.host}:${mcns.dnsAddress.port}`]);
  return r.resolve4(name);
}

function dnsStep(steps: Step[]): Step | undefined {
  return steps.find((s) => s.name === 'dns');
}

describe('Master DNS records', () => {
  it('deploy registers the service name as an A record to its node, resolvable for real', async () => {
    const f = await dnsFleet();

    const out = await f.m.client.deploy({ spec: serviceSpec('alpha', 'rift') });

    expect(dnsStep(out.steps)).toMatchObject({
      node: 'rift',
      status: StepStatus.STEP_STATUS_OK,
      detail: 'alpha.svc.mcp.mcp.test A 127.0.0.2 (added)',
    });
    expect(await resolve4('alpha.svc.mcp.mcp.test')).toEqual(['127.0.0.2']);
  });

  it('a move changes the record to the new node before the old node is left', async () => {
    const f = await dnsFleet();
    await f.m.client.deploy({ spec: serviceSpec('beta', 'rift') });

    const out = await f.m.client.deploy({ spec: serviceSpec('beta', 'orion') });

    const names = out.steps.map((s) => `${s.name}@${s.node}`);
    expect(names.indexOf('dns@orion')).toBeGreaterThan(-1);
    expect(names.indexOf('dns@orion')).toBeLessThan(names.indexOf('undeploy@rift'));
    expect(dnsStep(out.steps)?.detail).toBe('beta.svc.mcp.mcp.test A 127.0.0.3 (updated)');
    expect(await resolve4('beta.svc.mcp.mcp.test')).toEqual(['127.0.0.3']);
  });

  it('undeploy removes the record after the node', async () => {
    const f = await dnsFleet();
    await f.m.client.deploy({ spec: serviceSpec('gamma', 'rift') });

    const out = await f.m.client.undeploy({ service: 'gamma' });

    expect(out.steps.map((s) => s.name)).toEqual(['containers', 'dns']);
    expect(dnsStep(out.steps)?.detail).toBe('removed gamma.svc.mcp.mcp.test');
    await expect(resolve4('gamma.svc.mcp.mcp.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('a registering node gets its own name in the background', async () => {
    await dnsFleet();

    const rift = await waitFor(() => resolve4('rift.mcp.mcp.test'), { what: 'rift.mcp.mcp.test' });
    const orion = await waitFor(() => resolve4('orion.mcp.mcp.test'), {
      what: 'orion.mcp.mcp.test',
    });

    expect(rift).toEqual(['127.0.0.2']);
    expect(orion).toEqual(['127.0.0.3']);
  });

  it('MCNS down: a failed dns step, the deploy and its other steps stand', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const f = await dnsFleet(config({ url: down }));

    const out = await f.m.client.deploy({ spec: serviceSpec('delta', 'rift') });

    expect(dnsStep(out.steps)).toMatchObject({
      status: StepStatus.STEP_STATUS_FAILED,
      error: `failed to list record 'delta.svc.mcp.mcp.test' in zone 'mcp.test': connection refused by MCNS at ${down}`,
    });
    const others = out.steps.filter((s) => s.name !== 'dns');
    expect(others.map((s) => s.name)).toEqual(['placement', 'containers']);
    expect(others.every((s) => s.status === StepStatus.STEP_STATUS_OK)).toBe(true);
    expect(f.rift.services.has('delta')).toBe(true);
  });

  it('a wrong token is a failed dns step saying MCNS refused it', async () => {
    const f = await dnsFleet(config({ token: 'wrong' }));

    const out = await f.m.client.deploy({ spec: serviceSpec('epsilon', 'rift') });

    expect(dnsStep(out.steps)?.error).toBe(
      "failed to list record 'epsilon.svc.mcp.mcp.test' in zone 'mcp.test': MCNS answered 401: a valid bearer token is required",
    );
  });

  it('a node registered while MCNS was down gets its name at a later heartbeat', async () => {
    const { log, lines } = captureLog();
    const f = await dnsFleet(config(), log);
    const late = await FakeAgent.start({ name: 'late', address: '127.0.0.4' });
    cleanup.push(() => late.stop());
    await mcns.stop();
    try {
      await late.register(f.m.address);
      await waitFor(
        () =>
          lines.some(
            (l) => l.node === 'late' && String(l.msg).startsWith('node dns record not set'),
          ),
        { what: 'the warning for late' },
      );
    } finally {
      await mcns.start();
    }
    await expect(resolve4('late.mcp.mcp.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });

    await late.heartbeat(f.m.address);

    const found = await waitFor(() => resolve4('late.mcp.mcp.test'), { what: 'late.mcp.mcp.test' });
    expect(found).toEqual(['127.0.0.4']);
    expect(JSON.stringify(lines)).not.toContain(mcns.token);
  });

  it('a node record MCNS lost is written again once the refresh interval has passed', async () => {
    const clock = new FakeClock();
    const m = await startTestMaster({ mcns: config(), clock });
    cleanup.push(() => m.close());
    const node = await FakeAgent.start({ name: 'lost', address: '127.0.0.5' });
    cleanup.push(() => node.stop());
    await node.register(m.address);
    await waitFor(() => resolve4('lost.mcp.mcp.test'), { what: 'lost.mcp.mcp.test' });
    const client = new McnsClient({ url: mcns.url, token: mcns.token });
    for (const r of await client.list(ZONE, { name: 'lost.mcp.mcp.test' })) {
      await client.remove(ZONE, r);
    }

    await node.heartbeat(m.address);
    await new Promise((r) => setTimeout(r, 300));
    const before = await resolve4('lost.mcp.mcp.test').catch(() => []);
    clock.advance(NODE_RECORD_REFRESH_MS);
    await node.heartbeat(m.address);

    expect(before).toEqual([]);
    const found = await waitFor(() => resolve4('lost.mcp.mcp.test'), { what: 'record back' });
    expect(found).toEqual(['127.0.0.5']);
  });

  it('ListDnsRecords lists the managed names with their owners', async () => {
    const f = await dnsFleet();
    await f.m.client.deploy({ spec: serviceSpec('zeta', 'orion') });
    await waitFor(() => resolve4('orion.mcp.mcp.test'), { what: 'orion.mcp.mcp.test' });

    const out = await f.m.client.listDnsRecords({ zone: '' });

    expect(out.error).toBe('');
    expect(out.records).toContainEqual({
      zone: ZONE,
      name: 'zeta.svc.mcp.mcp.test',
      type: 'A',
      value: '127.0.0.3',
      ttl: 60,
      owner: 'service zeta',
    });
    expect(out.records).toContainEqual(
      expect.objectContaining({ name: 'orion.mcp.mcp.test', owner: 'node orion' }),
    );
    const names = out.records.map((r) => r.name);
    expect(names).toEqual([...names].sort());
    expect((await f.m.client.listDnsRecords({ zone: 'other.test' })).records).toEqual([]);
  });

  it('ListDnsRecords says when MCNS cannot be read', async () => {
    const f = await dnsFleet(config({ token: 'wrong' }));

    const out = await f.m.client.listDnsRecords({ zone: '' });

    expect(out.records).toEqual([]);
    expect(out.error).toMatch(/MCNS answered 401/);
  });

  it('without [mcns] ListDnsRecords is FAILED_PRECONDITION and deploy has no dns step', async () => {
    const m = await startTestMaster();
    cleanup.push(() => m.close());
    const rift = await FakeAgent.start({ name: 'rift' });
    cleanup.push(() => rift.stop());
    await rift.register(m.address);

    const err = await m.client.listDnsRecords({ zone: '' }).catch((e: unknown) => e);
    const out = await m.client.deploy({ spec: serviceSpec('eta', 'rift') });

    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe(Status.FAILED_PRECONDITION);
    expect((err as ClientError).details).toContain('no MCNS configured (master config [mcns])');
    expect(dnsStep(out.steps)).toBeUndefined();
  });
});
