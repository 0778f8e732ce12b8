// stop, start, restart, undeploy and status: one service, real CLI, real gRPC server.
import { EdgeRouteStatus, RouteMode, ServiceStatus, StepStatus, StopResponse } from '@mcp/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeHome, runCli, type CliHome } from '../test-support/cli.js';
import { webDefinition } from '../test-support/definitions.js';
import { startFakeMaster, type FakeMaster } from '../test-support/master.js';

let master: FakeMaster;
let home: CliHome;

beforeAll(async () => {
  master = await startFakeMaster();
  home = await makeHome(master.address);
  await home.addDefinition('web', webDefinition());
  expect((await runCli(home, ['deploy', 'web'])).code).toBe(0);
});

afterAll(async () => {
  await master.close();
  await home.remove();
});

describe('mcp stop, start, restart', () => {
  it.each(['stop', 'start', 'restart'])(
    'mcp %s prints the step and the containers',
    async (verb) => {
      const r = await runCli(home, [verb, 'web']);

      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toMatch(
        new RegExp(`^${verb}\\s+rift\\s+OK\\s+${verb} web$`, 'm'),
      );
      expect(r.stdout.toString()).toMatch(/^web\s+httpd\s+rift\s+v1\.0\.0\s+running/m);
    },
  );

  it('mcp stop --json prints the StopResponse', async () => {
    const r = await runCli(home, ['stop', 'web', '--json']);

    const res = StopResponse.fromJSON(JSON.parse(r.stdout.toString()));
    expect(res.steps[0]?.status).toBe(StepStatus.STEP_STATUS_OK);
    expect(res.service?.name).toBe('web');
  });

  it('mcp restart exits 1 when the step failed', async () => {
    master.state.failSteps.add('restart');

    const r = await runCli(home, ['restart', 'web']);
    master.state.failSteps.clear();

    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toMatch(/^restart\s+rift\s+FAILED\s+restart broke on purpose$/m);
  });
});

describe('mcp status', () => {
  it('mcp status shows the service and its routes, and --json the same ServiceStatus', async () => {
    const text = await runCli(home, ['status', 'web']);
    const json = await runCli(home, ['status', 'web', '--json']);

    expect(text.code).toBe(0);
    expect(text.stdout.toString()).toContain('service   web');
    expect(text.stdout.toString()).toMatch(/httpd\s+web\s+127\.0\.0\.2:20000\s+443\s+l7/);
    expect(ServiceStatus.fromJSON(JSON.parse(json.stdout.toString()))).toEqual(
      master.state.services.get('web'),
    );
  });
});

describe('mcp status with edge routes', () => {
  it('mcp status shows the edge routes of the service with their drift, --json too', async () => {
    master.state.edgeRoutes = [
      {
        edge: 'svc',
        drift: 'points at rift (127.0.0.2:20001); service runs on orion (127.0.0.3:20000)',
        route: {
          hostname: 'web.example.net',
          listenerPort: 443,
          backend: '127.0.0.2:20001',
          mode: RouteMode.ROUTE_MODE_L7,
          backendTls: false,
          service: 'web',
          node: 'rift',
          tlsCertPath: '',
          tlsKeyPath: '',
          tlsNotAfterMs: 0,
        },
      },
    ];

    const text = await runCli(home, ['status', 'web']);
    const json = await runCli(home, ['status', 'web', '--json']);
    master.state.edgeRoutes = [];

    expect(text.code).toBe(0);
    expect(text.stdout.toString()).toMatch(
      /^svc\s+web\.example\.net\s+443\s+127\.0\.0\.2:20001\s+drift: points at rift .* runs on orion/m,
    );
    const parsed = JSON.parse(json.stdout.toString()) as { edgeRoutes: unknown[] };
    expect(parsed.edgeRoutes.map((r) => EdgeRouteStatus.fromJSON(r).drift)).toEqual([
      'points at rift (127.0.0.2:20001); service runs on orion (127.0.0.3:20000)',
    ]);
  });
});

describe('mcp undeploy', () => {
  it('mcp undeploy prints the step and the service is gone', async () => {
    const r = await runCli(home, ['undeploy', 'web']);

    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^undeploy\s+rift\s+OK/m);
    expect(master.state.services.has('web')).toBe(false);
    expect((await runCli(home, ['status', 'web'])).code).toBe(1);
  });
});
