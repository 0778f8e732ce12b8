import { createServer } from 'node:net';

import { ListServicesResponse, NodeError, ServiceStatus } from '@mcp/proto';
import { ServerError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeHome, runCli, type CliHome } from '../test-support/cli.js';
import { startFakeMaster, statusOf, type FakeMaster } from '../test-support/master.js';

let master: FakeMaster;
let home: CliHome;

beforeAll(async () => {
  master = await startFakeMaster();
  home = await makeHome(master.address);
  for (const [name, node] of [
    ['web', 'rift'],
    ['api', 'orion'],
  ] as const) {
    const route = { name: 'http', port: 443, mode: 2, hostname: '', public: false };
    const component = {
      name,
      image: `registry.test:5000/${name}:v3.1.0`,
      volumes: [],
      cmd: [],
      env: [],
      network: '',
      user: '',
      restart: '',
      routes: [route],
      resources: undefined,
      arch: [],
    };
    const spec = { name, node, active: true, components: [component], path: '', buildImages: {} };
    master.state.services.set(name, statusOf(spec));
  }
  master.state.nodeErrors = [{ node: 'hyperborea', error: 'failed to reach node: timeout' }];
});

afterAll(async () => {
  await master.close();
  await home.remove();
});

describe('mcp ps', () => {
  it('mcp ps --json prints the services and node errors the master sent', async () => {
    const r = await runCli(home, ['ps', '--json']);

    expect(r.code).toBe(0);
    const res = ListServicesResponse.fromJSON(JSON.parse(r.stdout.toString()));
    expect(res.services).toEqual([...master.state.services.values()]);
    expect(res.errors).toEqual(master.state.nodeErrors);
    expect(r.stderr.toString()).toContain(
      "Warning: node 'hyperborea' did not answer: failed to reach",
    );
  });

  it('mcp ps prints one row per container with version, node and ports', async () => {
    const r = await runCli(home, ['ps']);

    expect(r.code).toBe(0);
    const lines = r.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^SERVICE\s+COMPONENT\s+NODE\s+VERSION\s+STATE\s+RESTARTS\s+PORTS\s+UPTIME$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 7))).toEqual([
      ['web', 'web', 'rift', 'v3.1.0', 'running', '0', 'http=127.0.0.2:20000'],
      ['api', 'api', 'orion', 'v3.1.0', 'running', '0', 'http=127.0.0.2:20000'],
    ]);
    expect(r.stderr.toString()).toContain("node 'hyperborea'");
  });

  it('mcp ps -n asks the master for one node', async () => {
    const r = await runCli(home, ['ps', '-n', 'orion', '--json']);

    expect(r.code).toBe(0);
    expect(master.state.listedNodes.at(-1)).toBe('orion');
    const res = ListServicesResponse.fromJSON(JSON.parse(r.stdout.toString()));
    expect(res.services.map((s) => s.name)).toEqual(['api']);
  });

  it('mcp ps of a node running nothing prints the header and says so on stderr', async () => {
    const r = await runCli(home, ['ps', '-n', 'idle']);

    expect(r.code).toBe(0);
    expect(r.stdout.toString().trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.toString()).toContain("no services deployed on node 'idle'");
  });

  it('mcp ps says the master is unreachable when nothing listens at its address', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const closed = await makeHome(`127.0.0.1:${port}`);

    try {
      const r = await runCli(closed, ['ps']);

      expect(r.code).toBe(1);
      const err = r.stderr.toString();
      expect(err).toContain(
        `Error: failed to reach the master at 127.0.0.1:${port}: connection refused`,
      );
      expect(err).toContain('master is unreachable');
      expect(err).toContain("ask one node's agent: mcp ps --direct -n <node>");
      expect(err).not.toMatch(/\n\s+at /);
      expect(r.stdout.toString()).toBe('');
    } finally {
      await closed.remove();
    }
  });
});

describe('mcp status with nodes that did not answer', () => {
  it('mcp status prints the nodes that did not answer as warnings, and --json carries them', async () => {
    const text = await runCli(home, ['status', 'web']);
    const json = await runCli(home, ['status', 'web', '--json']);

    expect(text.code).toBe(0);
    expect(text.stdout.toString()).toContain('service   web\nnode      rift\n');
    expect(text.stderr.toString()).toBe(
      "Warning: node 'hyperborea' did not answer: failed to reach node: timeout\n",
    );
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout.toString()) as { errors?: unknown[] };
    expect(ServiceStatus.fromJSON(parsed)).toEqual(master.state.services.get('web'));
    expect(parsed.errors?.map((e) => NodeError.fromJSON(e))).toEqual(master.state.nodeErrors);
  });

  it('mcp status of a service last reported on a node that does not answer says so', async () => {
    const said =
      "failed to get the status of service 'gone': it was last reported on node 'hyperborea', " +
      'which does not answer (connection refused)';
    master.state.statusError = new ServerError(Status.UNAVAILABLE, said);
    try {
      const r = await runCli(home, ['status', 'gone']);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toBe(
        "Warning: node 'hyperborea' did not answer: failed to reach node: timeout\n" +
          `Error: ${said}\n`,
      );
    } finally {
      master.state.statusError = undefined;
    }
  });

  it('mcp status of a service no node reports says where it may run', async () => {
    const r = await runCli(home, ['status', 'ghost']);

    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toBe(
      "Warning: node 'hyperborea' did not answer: failed to reach node: timeout\n" +
        "Error: failed to find service 'ghost': no node reports it; " +
        "it may run on 'hyperborea', which did not answer\n",
    );
  });
});
