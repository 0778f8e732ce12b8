import { ListEdgeRoutesResponse, RouteMode, type EdgeRouteStatus } from '@mcp/proto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { makeHome, runCli, type CliHome } from '../../test-support/cli.js';
import { startFakeMaster, type FakeMaster } from '../../test-support/master.js';

let master: FakeMaster;
let home: CliHome;

beforeAll(async () => {
  master = await startFakeMaster();
  home = await makeHome(master.address);
});

afterAll(async () => {
  await master.close();
  await home.remove();
});

function edgeRoute(hostname: string, service: string, drift = ''): EdgeRouteStatus {
  return {
    edge: 'svc',
    drift,
    route: {
      hostname,
      listenerPort: 443,
      backend: '127.0.0.2:20001',
      mode: RouteMode.ROUTE_MODE_L7,
      backendTls: false,
      service,
      node: service ? 'rift' : '',
      tlsCertPath: '/certs/x.crt',
      tlsKeyPath: '/certs/x.key',
      tlsNotAfterMs: 0,
    },
  };
}

beforeEach(() => {
  master.state.edgeRoutes = [];
});

describe('mcp edge list', () => {
  it('mcp edge list prints one row per edge route with its service, node and state', async () => {
    master.state.edgeRoutes = [
      edgeRoute('hand.example.net', ''),
      edgeRoute('web.example.net', 'web'),
    ];

    const r = await runCli(home, ['edge', 'list']);

    expect(r.code).toBe(0);
    const lines = r.stdout.toString().trim().split('\n');
    expect(lines[0]?.split(/ {2,}/)).toEqual([
      'EDGE',
      'HOSTNAME',
      'LISTENER',
      'MODE',
      'BACKEND',
      'SERVICE',
      'NODE',
      'STATE',
    ]);
    expect(lines[1]?.split(/ {2,}/)).toEqual([
      'svc',
      'hand.example.net',
      '443',
      'l7',
      '127.0.0.2:20001',
      '(by hand)',
      '-',
      'ok',
    ]);
    expect(lines[2]).toMatch(/web\.example\.net .* web +rift +ok$/);
  });

  it('mcp edge list names each drift below the table and exits 1', async () => {
    master.state.edgeRoutes = [
      edgeRoute('web.example.net', 'web', 'points at rift; runs on orion'),
    ];

    const r = await runCli(home, ['edge', 'list']);

    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toContain(
      'drift: svc web.example.net:443: points at rift; runs on orion',
    );
  });

  it('mcp edge list exits 1 and prints no empty table when an edge did not answer', async () => {
    master.state.nodeErrors = [{ node: 'svc', error: 'connection refused' }];

    const r = await runCli(home, ['edge', 'list']);
    master.state.nodeErrors = [];

    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr.toString()).toContain("Warning: node 'svc' did not answer: connection refused");
  });

  it('mcp edge list --json carries the same routes as the table', async () => {
    master.state.edgeRoutes = [edgeRoute('web.example.net', 'web')];

    const r = await runCli(home, ['edge', 'list', '--json']);

    expect(r.code).toBe(0);
    const parsed = ListEdgeRoutesResponse.fromJSON(JSON.parse(r.stdout.toString()));
    expect(parsed.routes).toEqual(master.state.edgeRoutes);
  });
});
