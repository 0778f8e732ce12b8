import { ListNodesResponse, NodeHealth } from '@mcp/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { closedAddress, makeHome, runCli, type CliHome } from '../../test-support/cli.js';
import { startFakeMaster, type FakeMaster } from '../../test-support/master.js';
import { formatNodes } from '../../topics/node/format.js';

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

/** The table's rows as cells, split on runs of two or more spaces. */
function rows(out: string): string[][] {
  const table = out.split('\n\n')[0] ?? '';
  return table.split('\n').map((l) => l.split(/ {2,}/));
}

describe('mcp node list', () => {
  it('mcp node list prints one row per node with usage, health and heartbeat age', async () => {
    const r = await runCli(home, ['node', 'list']);

    expect(r.stderr.toString()).toBe('');
    expect(r.code).toBe(0);
    const [head, ...body] = rows(r.stdout.toString());
    expect(head).toEqual([
      'NAME',
      'ROLE',
      'ARCH',
      'OS',
      'POOLS',
      'HEALTH',
      'VERSION',
      'CPU',
      'MEMORY',
      'DISK',
      'CONTAINERS',
      'LAST HEARTBEAT',
    ]);
    expect(body).toEqual([
      [
        'rift',
        'compute',
        'amd64',
        'nixos',
        '-',
        'healthy',
        'v0.3.0',
        '3500m/4',
        '6Gi/8Gi',
        '60Gi/100Gi',
        '2',
        '3s ago',
      ],
      [
        'orion',
        'compute',
        'amd64',
        'nixos',
        '-',
        'healthy',
        'v0.3.0',
        '100m/4',
        '256Mi/8Gi',
        '60Gi/100Gi',
        '2',
        '3s ago',
      ],
      [
        'hyperborea',
        'compute',
        'arm64',
        'debian',
        'pi',
        'unhealthy',
        'v0.3.0',
        '2/4',
        '2Gi/8Gi',
        '60Gi/100Gi',
        '2',
        '2m5s ago',
      ],
      [
        'svc',
        'edge',
        'amd64',
        'debian',
        '-',
        'healthy',
        'v0.3.0',
        '1/4',
        '1Gi/8Gi',
        '60Gi/100Gi',
        '2',
        '3s ago',
      ],
    ]);
  });

  it('mcp node list prints why an unhealthy node is unhealthy under the table', async () => {
    const r = await runCli(home, ['node', 'list']);

    const after = r.stdout.toString().split('\n\n')[1];
    expect(after).toBe(
      "hyperborea: unhealthy: failed to probe node 'hyperborea': deadline exceeded after 5 s\n",
    );
  });

  it('mcp node list --json carries the same nodes as the table', async () => {
    const [text, json] = await Promise.all([
      runCli(home, ['node', 'list']),
      runCli(home, ['node', 'list', '--json']),
    ]);

    expect(json.code).toBe(0);
    const res = ListNodesResponse.fromJSON(JSON.parse(json.stdout.toString()));
    // Every column but the heartbeat age, which moves with the clock between the two runs.
    const withoutAge = (out: string): string[][] => rows(out).map((row) => row.slice(0, -1));
    expect(withoutAge(formatNodes(res.nodes, Date.now()))).toEqual(
      withoutAge(text.stdout.toString()),
    );
    expect(res.nodes.map((n) => ({ ...n, lastSeenMs: 0 }))).toEqual(
      master.state.nodes.map((n) => ({ ...n, lastSeenMs: 0 })),
    );
    expect(res.nodes[2]?.health).toBe(NodeHealth.NODE_HEALTH_UNHEALTHY);
    expect(res.nodes[2]?.healthError).toContain('deadline exceeded');
  });

  it('mcp node list says the master is unreachable and points at --direct', async () => {
    const closed = await makeHome(await closedAddress(), [
      { name: 'rift', address: '127.0.0.1:1' },
    ]);

    try {
      const r = await runCli(closed, ['node', 'list']);

      expect(r.code).toBe(1);
      const err = r.stderr.toString();
      expect(err).toContain('The master is unreachable');
      expect(err).toContain("talk to one node's agent with --direct -n <node> (nodes: rift)");
    } finally {
      await closed.remove();
    }
  });
});
