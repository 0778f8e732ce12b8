import { ListRoutesResponse, RouteMode } from '@mcp/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

const ADD = ['route', 'add', '-n', 'rift', '-l', '8443', '-H', 'web.svc.mcp.test'];

describe('mcp route', () => {
  it('mcp route add sends the route and says whether it changed anything', async () => {
    const first = await runCli(home, [...ADD, '--backend', '127.0.0.2:20000', '--mode', 'l4']);
    const again = await runCli(home, [...ADD, '--backend', '127.0.0.2:20000', '--mode', 'l4']);

    expect(first.code).toBe(0);
    expect(first.stdout.toString()).toBe('rift: web.svc.mcp.test:8443 -> 127.0.0.2:20000: added\n');
    expect(again.stdout.toString()).toContain('unchanged (already there)');
    const rift = master.state.routes.find((n) => n.node === 'rift');
    expect(rift?.routes).toEqual([
      {
        listenerPort: 8443,
        hostname: 'web.svc.mcp.test',
        backend: '127.0.0.2:20000',
        mode: RouteMode.ROUTE_MODE_L4,
        backendTls: false,
        tlsCertPath: '',
        tlsKeyPath: '',
      },
    ]);
  });

  it('mcp route list shows every node, -n one node, --json the same data', async () => {
    await runCli(home, [...ADD, '--backend', '127.0.0.2:20000']);

    const all = await runCli(home, ['route', 'list']);
    const json = await runCli(home, ['route', 'list', '-n', 'rift', '--json']);

    expect(all.code).toBe(0);
    const lines = all.stdout.toString().trim().split('\n');
    expect(lines[0]?.split(/ {2,}/)).toEqual([
      'NODE',
      'LISTENER',
      'HOSTNAME',
      'MODE',
      'BACKEND',
      'TLS',
    ]);
    expect(lines[1]?.split(/ {2,}/)).toEqual([
      'rift',
      '8443',
      'web.svc.mcp.test',
      'l7',
      '127.0.0.2:20000',
      '-',
    ]);
    const parsed = ListRoutesResponse.fromJSON(JSON.parse(json.stdout.toString()));
    expect(parsed.nodes.map((n) => n.node)).toEqual(['rift']);
    expect(parsed.nodes[0]?.routes[0]?.hostname).toBe('web.svc.mcp.test');
  });

  it('mcp route remove removes the route and says so when it was not there', async () => {
    await runCli(home, [...ADD, '--backend', '127.0.0.2:20000']);
    const args = ['route', 'remove', '-n', 'rift', '-l', '8443', '-H', 'web.svc.mcp.test'];

    const first = await runCli(home, args);
    const again = await runCli(home, args);

    expect(first.stdout.toString()).toBe('rift: web.svc.mcp.test:8443: removed\n');
    expect(again.stdout.toString()).toContain('not there (nothing to remove)');
  });

  it('mcp route list exits 1 naming a node that did not answer', async () => {
    master.state.nodeErrors = [{ node: 'svc', error: 'connection refused' }];

    const r = await runCli(home, ['route', 'list', '-n', 'svc']);
    master.state.nodeErrors = [];

    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe('');
    expect(r.stderr.toString()).toContain("Warning: node 'svc' did not answer: connection refused");
  });

  it('mcp route add refuses a listener out of range and an unknown mode before calling', async () => {
    const port = await runCli(home, [
      'route',
      'add',
      '-n',
      'rift',
      '-l',
      '70000',
      '-H',
      'a.b',
      '--backend',
      'x:1',
    ]);
    const mode = await runCli(home, [...ADD, '--backend', 'x:1', '--mode', 'l9']);

    expect(port.code).not.toBe(0);
    expect(port.stderr.toString()).toMatch(/70000/);
    expect(mode.code).not.toBe(0);
    expect(mode.stderr.toString()).toMatch(/l9/);
  });
});
