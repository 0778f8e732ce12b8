// `mcp agent upgrade` against a real sshd node whose systemctl runs the agent artifact from
// <root>/srv/mcp/mcp-agent, with a container started through that agent beforehand.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  allocateLoopbackAddress,
  buildTestImage,
  cleanupAll,
  exampleService,
  freePort,
  run,
  startPodman,
  startRegistry,
  type Podman,
} from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { agentArtifact, agentToml, brokenArtifact, mcp, waitForVersion } from './helpers.js';
import { startSshNode, type SshNode } from './node.js';

const A = '0.0.0-upgrade-a';
const B = '0.0.0-upgrade-b';
const base = mkdtempSync(join(tmpdir(), 'mcp-upgrade-'));
let podman: Podman;
let node: SshNode;
let config: string;

/** Container id, state and restart count of the service's container, as Podman reports them. */
async function container(): Promise<{ id: string; running: boolean; restarts: number }> {
  const out = await podman.podman([
    'inspect',
    'hello_web',
    '--format',
    '{{.Id}} {{.State.Running}} {{.RestartCount}}',
  ]);
  const [id = '', running = '', restarts = ''] = out.trim().split(' ');
  return { id, running: running === 'true', restarts: Number(restarts) };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

beforeAll(async () => {
  const registry = await startRegistry({ dir: join(base, 'registry') });
  podman = await startPodman({ dir: join(base, 'podman'), insecureRegistries: [registry.address] });
  const [image = ''] = await buildTestImage({ podman, registry, tags: ['v1'] });
  const artifactA = await agentArtifact(join(base, 'a'), A);
  await agentArtifact(join(base, 'b'), B);
  brokenArtifact(join(base, 'broken'), '0.0.0-upgrade-broken');

  // The node runs A, installed by hand as provisioning would.
  const address = allocateLoopbackAddress();
  node = await startSshNode({
    name: 'n1',
    dir: join(base, 'n1'),
    address,
    port: await freePort(address),
  });
  mkdirSync(join(node.root, 'srv/mcp'), { recursive: true });
  mkdirSync(join(node.root, 'etc/mcp'), { recursive: true });
  copyFileSync(artifactA, join(node.root, 'srv/mcp/mcp-agent'));
  writeFileSync(node.agentConfig, agentToml('n1', node.listen, node.root, podman.socketPath));
  await run(join(node.root, 'usr/local/bin/systemctl'), ['restart', 'mcp-agent'], {
    env: { ...process.env, MCP_TEST_ROOT: node.root },
  });
  await waitForVersion(node.listen, A);

  config = join(base, 'mcp.toml');
  writeFileSync(config, `services_dir = "${join(base, 'services')}"\n\n${node.configEntry()}`);
  mkdirSync(join(base, 'services'));
  writeFileSync(join(base, 'services/hello.toml'), exampleService({ image, node: 'n1' }));
  const deployed = await mcp(config, ['deploy', 'hello', '--direct', '-n', 'n1']);
  expect(deployed.stderr).toBe('');
  expect(deployed.code).toBe(0);
});

afterAll(async () => {
  await cleanupAll();
  rmSync(base, { recursive: true, force: true });
});

describe('mcp agent upgrade', () => {
  test('agent upgrade rolls back an artifact that exits at once and exits non-zero', async () => {
    const out = await mcp(config, [
      'agent',
      'upgrade',
      'n1',
      '--artifacts',
      join(base, 'broken'),
      '--timeout',
      '5',
    ]);

    expect(out.code).toBe(1);
    expect(out.stderr).toContain(
      "failed to upgrade node 'n1' to 0.0.0-upgrade-broken: the new agent did not report " +
        '0.0.0-upgrade-broken within 5 s',
    );
    expect(out.stderr).toContain(`rolled back: node reports ${A} again`);
    expect(out.stdout).toMatch(/n1\s+0\.0\.0-upgrade-a\s+0\.0\.0-upgrade-broken\s+rolled-back/);
    await waitForVersion(node.listen, A, 5_000);
  });

  test('agent upgrade moves the node from A to B and leaves its container running', async () => {
    const before = await container();
    expect(before.running).toBe(true);

    const out = await mcp(config, ['agent', 'upgrade', '--artifacts', join(base, 'b'), '--json']);

    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout) as {
      nodes: { node: string; from: string; to: string; result: string }[];
    };
    expect(summary.nodes).toMatchObject([{ node: 'n1', from: A, to: B, result: 'upgraded' }]);
    await waitForVersion(node.listen, B, 2_000);
    expect(await container()).toEqual(before);
    // The previous binary is kept beside the live one, for a rollback by hand.
    const previous = await run(join(node.root, 'srv/mcp/mcp-agent.previous'), ['--version']);
    expect(previous.trim()).toBe(A);
    // And `mcp agent status` sees it: B, not skewed against B.
    const status = await mcp(config, ['agent', 'status', '--direct', '--expect', B]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^n1\s+0\.0\.0-upgrade-b\s+-$/m);
    const skewed = await mcp(config, ['agent', 'status', '--direct', '--expect', A]);
    expect(skewed.stdout).toMatch(
      /^n1\s+0\.0\.0-upgrade-b\s+version 0\.0\.0-upgrade-b, expected 0\.0\.0-upgrade-a$/m,
    );
    expect(skewed.stdout).toContain('upgrade with: mcp agent upgrade n1');
  });

  test('agent upgrade refuses a changed host key before authenticating or uploading', async () => {
    const changed = await node.sshd.changedKnownHosts();
    const file = join(base, 'changed.toml');
    writeFileSync(file, node.configEntry().replace(node.sshd.knownHosts, changed));
    const live = join(node.root, 'srv/mcp/mcp-agent');
    const liveBefore = sha256(live);
    const logins = (): number =>
      (readFileSync(join(node.sshd.dir, 'sshd.log'), 'utf8').match(/Accepted publickey/g) ?? [])
        .length;
    const loginsBefore = logins();

    const out = await mcp(file, [
      'agent',
      'upgrade',
      'n1',
      '--artifacts',
      join(base, 'a'),
      '--force',
    ]);

    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /failed to connect to node 'n1' at root@\[[\d.]+\]:\d+: its host key changed: it offered SHA256:[A-Za-z0-9+/]{43}, .* holds SHA256:/,
    );
    expect(logins()).toBe(loginsBefore);
    expect(existsSync(`${live}.new`)).toBe(false);
    expect(sha256(live)).toBe(liveBefore);
    await waitForVersion(node.listen, B, 2_000);
  });

  test('agent upgrade refuses an unknown host key, showing the fingerprint ssh-keygen shows', async () => {
    const empty = join(base, 'empty_known_hosts');
    writeFileSync(empty, '');
    const file = join(base, 'unknown.toml');
    writeFileSync(file, node.configEntry().replace(node.sshd.knownHosts, empty));
    const pub = join(node.sshd.dir, 'ssh_host_ed25519_key.pub');
    const print = (await run('ssh-keygen', ['-l', '-f', pub])).split(' ')[1];

    const out = await mcp(file, [
      'agent',
      'upgrade',
      'n1',
      '--artifacts',
      join(base, 'a'),
      '--force',
    ]);

    expect(out.code).toBe(1);
    expect(print).toMatch(/^SHA256:/);
    expect(out.stderr).toContain(`host key ${print} is not in ${empty}`);
    await waitForVersion(node.listen, B, 2_000);
  });
});
