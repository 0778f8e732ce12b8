// `mcp node provision` against a real sshd node with nothing installed, twice.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

import { parse, stringify } from 'smol-toml';

import { agentArtifact, cliConfigHead, health, mcp, startTrust, type Trust } from './helpers.js';
import { startSshNode, type SshNode } from './node.js';

const A = '0.0.0-upgrade-a';
const base = mkdtempSync(join(tmpdir(), 'mcp-provision-'));
let podman: Podman;
let node: SshNode;
let config: string;
let trust: Trust;
let token: string;

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
  // The node's pair and token live on the operator's machine; provisioning copies them to the
  // node's /etc/mcp and names them in its agent.toml. ca_file defaults to the CLI's own.
  const pair = await trust.security.tls([address]);
  const agentToken = await trust.security.tokenFile('agent-n2');
  token = agentToken.token;
  // Under `[[nodes]]`, `[nodes.agent]` and `[nodes.credentials]` belong to this node's entry.
  const tables = stringify({
    nodes: {
      agent: { runtime_socket: podman.socketPath },
      credentials: {
        cert_file: pair.certFile,
        key_file: pair.keyFile,
        token_file: agentToken.path,
      },
    },
  });
  writeFileSync(config, cliConfigHead(trust) + node.configEntry(tables));
});

afterAll(async () => {
  await cleanupAll();
  rmSync(base, { recursive: true, force: true });
});

type Report = {
  changed: boolean;
  steps: { step: string; changed: boolean; detail: string }[];
};

const mode = (path: string): number => statSync(join(node.root, path)).mode & 0o777;

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
    const steps = ['user', 'directories', 'credentials', 'config', 'unit', 'binary', 'service'];
    expect(report.steps).toEqual(
      steps.map((step) => expect.objectContaining({ step, changed: true })),
    );
    // The report names the files, never the token.
    expect(out.stdout).toContain(`${node.root}/etc/mcp/agent.token`);
    expect(out.stdout).not.toContain(token);
    // HealthCheck over TLS: the agent serves the copied pair, trusted by the platform CA.
    expect((await health(node.listen, trust)).version).toBe(A);

    expect(mode('etc/mcp/agent.key')).toBe(0o600);
    expect(mode('etc/mcp/agent.token')).toBe(0o600);
    expect(mode('etc/mcp/ca.crt')).toBe(0o644);
    expect(mode('etc/mcp/agent.crt')).toBe(0o644);
    expect(readFileSync(join(node.root, 'etc/mcp/agent.token'), 'utf8').trim()).toBe(token);
    const uid = /^mcp:x:(\d+):/m.exec(readFileSync(join(node.root, 'etc/passwd'), 'utf8'))?.[1];
    expect(statSync(join(node.root, 'etc/mcp/agent.key')).uid).toBe(Number(uid));
    const agent = parse(readFileSync(node.agentConfig, 'utf8'));
    expect(agent.tls).toEqual({
      ca_file: `${node.root}/etc/mcp/ca.crt`,
      cert_file: `${node.root}/etc/mcp/agent.crt`,
      key_file: `${node.root}/etc/mcp/agent.key`,
    });
    expect(agent.mcias).toEqual({
      url: trust.security.mcias.url,
      token_file: `${node.root}/etc/mcp/agent.token`,
    });
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
    expect(out.stdout).toMatch(/credentials +unchanged +as wanted/);
    expect(out.stdout).not.toContain(token);
    expect(node.agentPid()).toBe(pid);
  });
});
