// `mcp agent upgrade` against a real sshd node whose systemctl runs the agent artifact from
// <root>/srv/mcp/mcp-agent, with a container started through that agent beforehand.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
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

import {
  agentArtifact,
  agentToml,
  brokenArtifact,
  cliConfigHead,
  mcp,
  startTrust,
  waitForVersion,
  type Trust,
} from './helpers.js';
import { startSshNode, type SshNode } from './node.js';

const A = '0.0.0-upgrade-a';
const B = '0.0.0-upgrade-b';
const base = mkdtempSync(join(tmpdir(), 'mcp-upgrade-'));
let podman: Podman;
let node: SshNode;
let config: string;
let trust: Trust;

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
  trust = await startTrust(join(base, 'trust'), ['n1']);

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
  writeFileSync(
    node.agentConfig,
    await agentToml(trust, 'n1', node.listen, node.root, podman.socketPath),
  );
  await run(join(node.root, 'usr/local/bin/systemctl'), ['restart', 'mcp-agent'], {
    env: { ...process.env, MCP_TEST_ROOT: node.root },
  });
  await waitForVersion(node.listen, A, trust);

  config = join(base, 'mcp.toml');
  const head = cliConfigHead(trust, `services_dir = "${join(base, 'services')}"`);
  writeFileSync(config, `${head}${node.configEntry()}`);
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
    await waitForVersion(node.listen, A, trust, 5_000);
  });

  test('agent upgrade rolls back when the restart command fails after the swap', async () => {
    const live = join(node.root, 'srv/mcp/mcp-agent');
    const liveBefore = sha256(live);
    // Succeeds for a binary that answers --version, fails (exit 1) for the broken one.
    const restart = `systemctl restart mcp-agent && ${live} --version >/dev/null`;
    const file = join(base, 'restart-fails.toml');
    writeFileSync(file, cliConfigHead(trust) + node.configEntry(`restart_command = "${restart}"`));

    const out = await mcp(file, ['agent', 'upgrade', 'n1', '--artifacts', join(base, 'broken')]);

    expect(out.code).toBe(1);
    expect(out.stderr).toContain(
      "failed to upgrade node 'n1' to 0.0.0-upgrade-broken: the restart command",
    );
    expect(out.stderr).toContain('failed: exit 1');
    expect(out.stderr).toContain(`rolled back: node reports ${A} again`);
    expect(out.stdout).toMatch(/n1\s+0\.0\.0-upgrade-a\s+0\.0\.0-upgrade-broken\s+rolled-back/);
    expect(sha256(live)).toBe(liveBefore);
    await waitForVersion(node.listen, A, trust, 5_000);
  });

  test('agent upgrade rolls back when the restart command runs past --restart-timeout', async () => {
    const live = join(node.root, 'srv/mcp/mcp-agent');
    const liveBefore = sha256(live);
    // Hangs for the broken binary only.
    const restart = `systemctl restart mcp-agent; ${live} --version >/dev/null || sleep 120`;
    const file = join(base, 'restart-hangs.toml');
    writeFileSync(file, cliConfigHead(trust) + node.configEntry(`restart_command = "${restart}"`));
    const out = await mcp(file, [
      'agent',
      'upgrade',
      'n1',
      '--artifacts',
      join(base, 'broken'),
      '--restart-timeout',
      '2',
    ]);

    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`the restart command '${restart}' did not finish within 2 s`);
    expect(out.stderr).toContain(`rolled back: node reports ${A} again`);
    expect(sha256(live)).toBe(liveBefore);
    await waitForVersion(node.listen, A, trust, 5_000);
  });

  test('agent upgrade refuses an artifact that differs from its manifest before connecting', async () => {
    const logins = (): number =>
      (readFileSync(join(node.sshd.dir, 'sshd.log'), 'utf8').match(/Accepted publickey/g) ?? [])
        .length;
    const loginsBefore = logins();
    const cases: [string, Record<string, unknown>, string][] = [
      ['sha', { sha256: '0'.repeat(64) }, `the manifest says ${'0'.repeat(64)}`],
      ['size', { size: 1 }, 'the manifest says 1'],
      ['arch', { arch: 'arm64' }, "the manifest's arch is arm64, node 'n1' is amd64"],
    ];
    for (const [name, change, message] of cases) {
      const dir = join(base, `manifest-${name}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'mcp-agent-linux-amd64');
      copyFileSync(join(base, 'broken/mcp-agent-linux-amd64'), file);
      const manifest = JSON.parse(
        readFileSync(join(base, 'broken/mcp-agent-linux-amd64.json'), 'utf8'),
      );
      writeFileSync(`${file}.json`, JSON.stringify({ ...manifest, ...change }));

      const out = await mcp(config, ['agent', 'upgrade', 'n1', '--artifacts', dir, '--force']);

      expect(out.code).toBe(1);
      expect(out.stderr).toContain(
        "failed to upgrade node 'n1' to 0.0.0-upgrade-broken: the artifact " +
          `${file} does not match its manifest ${file}.json: `,
      );
      expect(out.stderr).toContain(message);
    }
    expect(logins()).toBe(loginsBefore);
    expect(existsSync(join(node.root, 'srv/mcp/mcp-agent.new'))).toBe(false);
    await waitForVersion(node.listen, A, trust, 2_000);
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
    await waitForVersion(node.listen, B, trust, 2_000);
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
    writeFileSync(
      file,
      cliConfigHead(trust) + node.configEntry().replace(node.sshd.knownHosts, changed),
    );
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
    await waitForVersion(node.listen, B, trust, 2_000);
  });

  test('agent upgrade refuses an unknown host key, showing the fingerprint ssh-keygen shows', async () => {
    const empty = join(base, 'empty_known_hosts');
    writeFileSync(empty, '');
    const file = join(base, 'unknown.toml');
    writeFileSync(
      file,
      cliConfigHead(trust) + node.configEntry().replace(node.sshd.knownHosts, empty),
    );
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
    await waitForVersion(node.listen, B, trust, 2_000);
  });

  test('agent upgrade removes a partly installed mcp-agent.new when the install fails', async () => {
    const live = join(node.root, 'srv/mcp/mcp-agent');
    const liveBefore = sha256(live);
    // An `install` on the node's PATH that writes part of the file, then fails as a full disk would.
    const fake = join(node.root, 'usr/local/bin/install');
    writeFileSync(
      fake,
      '#!/bin/sh\nhead -c 1000 "$3" > "$4"\n' +
        `echo "install: error writing '$4': No space left on device" >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    try {
      const out = await mcp(config, [
        'agent',
        'upgrade',
        'n1',
        '--artifacts',
        join(base, 'a'),
        '--force',
      ]);

      expect(out.code).toBe(1);
      expect(out.stderr).toContain('No space left on device');
    } finally {
      rmSync(fake, { force: true });
    }
    expect(existsSync(`${live}.new`)).toBe(false);
    expect(sha256(live)).toBe(liveBefore);
    await waitForVersion(node.listen, B, trust, 2_000);
  });

  test('agent upgrade keeps a good .previous when the live binary did not answer', async () => {
    const live = join(node.root, 'srv/mcp/mcp-agent');
    const previous = `${live}.previous`;
    expect((await run(previous, ['--version'])).trim()).toBe(A);
    // The live binary is one that does not start: the agent is down, FROM is empty.
    copyFileSync(join(base, 'broken/mcp-agent-linux-amd64'), `${live}.tmp`);
    renameSync(`${live}.tmp`, live);
    await run(join(node.root, 'usr/local/bin/systemctl'), ['restart', 'mcp-agent'], {
      env: { ...process.env, MCP_TEST_ROOT: node.root },
    });

    const out = await mcp(config, ['agent', 'upgrade', 'n1', '--artifacts', join(base, 'b')]);

    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/n1\s+-\s+0\.0\.0-upgrade-b\s+upgraded/);
    expect(out.stderr).toContain(
      `n1: the live binary did not answer before the upgrade; keeping the existing ${previous}`,
    );
    expect((await run(previous, ['--version'])).trim()).toBe(A);
    await waitForVersion(node.listen, B, trust, 2_000);
  });
});
