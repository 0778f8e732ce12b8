// `mcp node provision` against a real sshd node with nothing installed, twice.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  allocateLoopbackAddress,
  cleanupAll,
  freePort,
  startPodman,
  type Podman,
} from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import {
  agentArtifact,
  agentTables,
  cliConfigHead,
  health,
  mcp,
  startTrust,
  type Trust,
} from './helpers.js';
import { stringify } from 'smol-toml';
import { startSshNode, type SshNode } from './node.js';

const A = '0.0.0-upgrade-a';
const base = mkdtempSync(join(tmpdir(), 'mcp-provision-'));
let podman: Podman;
let node: SshNode;
let config: string;
let trust: Trust;

beforeAll(async () => {
  podman = await startPodman({ dir: join(base, 'podman') });
  await agentArtifact(join(base, 'a'), A);
  trust = await startTrust(join(base, 'trust'), ['n2']);
  const address = allocateLoopbackAddress();
  node = await startSshNode({
    name: 'n2',
    dir: join(base, 'n2'),
    address,
    port: await freePort(address),
  });
  config = join(base, 'mcp.toml');
  // The node's pair and token are on its disk already (the test root sees the host's files);
  // provisioning writes the [tls] and [mcias] tables into its agent.toml.
  const tables = await agentTables(trust, 'n2', node.listen);
  // Under `[[nodes]]`, `[nodes.agent]` and its sub-tables belong to this node's entry.
  const agent = stringify({ nodes: { agent: { runtime_socket: podman.socketPath, ...tables } } });
  writeFileSync(config, cliConfigHead(trust) + node.configEntry(agent));
});

afterAll(async () => {
  await cleanupAll();
  rmSync(base, { recursive: true, force: true });
});

type Report = { changed: boolean; steps: { step: string; changed: boolean }[] };

describe('mcp node provision', () => {
  test('node provision installs and starts the agent on a bare node', async () => {
    const out = await mcp(config, [
      'node',
      'provision',
      'n2',
      '--artifacts',
      join(base, 'a'),
      '--json',
    ]);

    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as Report;
    expect(report.steps).toEqual(
      ['user', 'directories', 'config', 'unit', 'binary', 'service'].map((step) =>
        expect.objectContaining({ step, changed: true }),
      ),
    );
    expect((await health(node.listen, trust)).version).toBe(A);
    expect(readFileSync(join(node.root, 'etc/passwd'), 'utf8')).toMatch(
      /^mcp:x:\d+:\d+::\/srv\/mcp:\/usr\/sbin\/nologin$/m,
    );
    const unit = readFileSync(join(node.root, 'etc/systemd/system/mcp-agent.service'), 'utf8');
    expect(unit).toContain(
      `ExecStart=${node.root}/srv/mcp/mcp-agent --config ${node.root}/etc/mcp/agent.toml`,
    );
  });

  test('node provision run a second time reports no changes and leaves the agent alone', async () => {
    const pid = node.agentPid();
    expect(pid).toBeDefined();

    const out = await mcp(config, ['node', 'provision', 'n2', '--artifacts', join(base, 'a')]);

    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('node n2: no changes');
    expect(out.stdout).not.toMatch(/\bchanged\b/);
    expect(node.agentPid()).toBe(pid);
  });
});
