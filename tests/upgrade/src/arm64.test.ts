// An arm64 node (`arch = "arm64"`): `mcp agent upgrade` picks the arm64 artifact, which the
// node's systemctl runs under qemu-user. No container runtime: this is about the artifact choice.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { elfImages } from '@mcp/release';
import { allocateLoopbackAddress, cleanupAll, freePort, run } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import {
  agentArtifact,
  agentToml,
  cliConfigHead,
  mcp,
  startTrust,
  waitForVersion,
  type Trust,
} from './helpers.js';
import { startSshNode, type SshNode } from './node.js';

const A = '0.0.0-upgrade-a';
const B = '0.0.0-upgrade-b';
const base = mkdtempSync(join(tmpdir(), 'mcp-upgrade-arm64-'));
let node: SshNode;
let config: string;
let trust: Trust;

beforeAll(async () => {
  const artifactA = await agentArtifact(join(base, 'a'), A, 'arm64');
  // The artifacts directory holds both architectures of B, as a release does.
  await agentArtifact(join(base, 'b'), B, 'arm64');
  await agentArtifact(join(base, 'b'), B, 'amd64');

  trust = await startTrust(join(base, 'trust'), ['pi']);
  const address = allocateLoopbackAddress();
  const port = await freePort(address);
  node = await startSshNode({ name: 'pi', dir: join(base, 'pi'), address, port });
  mkdirSync(join(node.root, 'srv/mcp'), { recursive: true });
  mkdirSync(join(node.root, 'etc/mcp'), { recursive: true });
  copyFileSync(artifactA, join(node.root, 'srv/mcp/mcp-agent'));
  const socket = join(base, 'no-runtime.sock');
  writeFileSync(node.agentConfig, await agentToml(trust, 'pi', node.listen, node.root, socket));
  await run(join(node.root, 'usr/local/bin/systemctl'), ['restart', 'mcp-agent'], {
    env: { ...process.env, MCP_TEST_ROOT: node.root },
  });
  await waitForVersion(node.listen, A, trust, 60_000);
  config = join(base, 'mcp.toml');
  writeFileSync(config, cliConfigHead(trust) + node.configEntry('arch = "arm64"'));
});

afterAll(async () => {
  await cleanupAll();
  rmSync(base, { recursive: true, force: true });
});

describe('mcp agent upgrade on arm64', () => {
  test('agent upgrade installs the arm64 artifact on an arm64 node and it reports B', async () => {
    const out = await mcp(config, ['agent', 'upgrade', '--artifacts', join(base, 'b')]);

    expect(out.stderr).not.toContain('Error');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^pi\s+0\.0\.0-upgrade-a\s+0\.0\.0-upgrade-b\s+upgraded/m);
    await waitForVersion(node.listen, B, trust, 2_000);
    const live = elfImages(join(node.root, 'srv/mcp/mcp-agent'));
    expect(live.map((e) => e.machine)).toEqual(live.map(() => 183));
  });
});
