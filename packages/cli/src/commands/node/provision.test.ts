// `mcp node provision` refusing a node's credentials before it opens SSH. The steps on a real
// node are the fleet test tests/upgrade/src/provision.test.ts.
import { appendFile, chmod, mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeHome, runCli, type CliHome } from '../../test-support/cli.js';

const TOKEN = 'agent-rift-secret-token';
let home: CliHome;
let sshd: Server;
let connections = 0;
let artifacts: string;

beforeAll(async () => {
  home = await makeHome('127.0.0.1:1');

  // Stands where the node's sshd would be: anything that connects is counted.
  sshd = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => sshd.listen(0, '127.0.0.1', resolve));
  const { port } = sshd.address() as AddressInfo;

  // The artifact is found before SSH too, so it must exist for the credentials to be reached.
  artifacts = join(home.dir, 'artifacts');
  await mkdir(artifacts);
  await writeFile(join(artifacts, 'mcp-agent-linux-amd64'), '#!/bin/sh\n');
  await writeFile(join(artifacts, 'mcp-agent-linux-amd64.json'), '{"version":"0.0.1"}');

  await writeFile(join(home.dir, 'id'), '', { mode: 0o600 });
  await writeFile(join(home.dir, 'agent.crt'), 'CERT PEM\n');
  await writeFile(join(home.dir, 'agent.key'), 'KEY PEM\n', { mode: 0o600 });
  await writeFile(join(home.dir, 'agent.token'), `${TOKEN}\n`, { mode: 0o600 });
  const node = (name: string, extra: string): string =>
    `\n[[nodes]]\nname = "${name}"\naddress = "127.0.0.1:9444"\n` +
    `ssh = "op@127.0.0.1:${port}"\nidentity_file = "id"\nknown_hosts = "known_hosts"\n${extra}\n`;
  await appendFile(
    home.config,
    node(
      'rift',
      '[nodes.credentials]\ncert_file = "agent.crt"\nkey_file = "agent.key"\n' +
        'token_file = "agent.token"',
    ) + node('bare', '[nodes.agent]\nmaster = "127.0.0.1:7000"'),
  );
});

afterAll(async () => {
  await new Promise((resolve) => sshd.close(resolve));
  await home.remove();
});

describe('mcp node provision', () => {
  it('mcp node provision refuses a key file others may read before any SSH', async () => {
    const key = join(home.dir, 'agent.key');
    await chmod(key, 0o644);
    try {
      const r = await runCli(home, ['node', 'provision', 'rift', '--artifacts', artifacts]);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toContain(
        `failed to provision node 'rift': [nodes.credentials] key_file: failed to read TLS ` +
          `private key '${key}': its mode is 0644; it must be 0600 or stricter ` +
          `(chmod 600 ${key}); nothing was sent to the node`,
      );
      expect(connections).toBe(0);
    } finally {
      await chmod(key, 0o600);
    }
  });

  it('mcp node provision refuses a token file others may read, without printing it', async () => {
    const token = join(home.dir, 'agent.token');
    await chmod(token, 0o640);
    try {
      const r = await runCli(home, [
        'node',
        'provision',
        'rift',
        '--artifacts',
        artifacts,
        '--json',
      ]);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toContain(
        `[nodes.credentials] token_file: failed to read token file '${token}': its mode is 0640`,
      );
      expect(`${r.stdout.toString()}${r.stderr.toString()}`).not.toContain(TOKEN);
      expect(connections).toBe(0);
    } finally {
      await chmod(token, 0o600);
    }
  });

  it('mcp node provision refuses a node without credentials or tls and mcias', async () => {
    const r = await runCli(home, ['node', 'provision', 'bare', '--artifacts', artifacts]);

    expect(r.code).toBe(1);
    const err = r.stderr.toString();
    expect(err).toContain("failed to provision node 'bare': its agent needs [tls] and [mcias]");
    expect(err).toContain('set [nodes.credentials]');
    expect(err).toContain('or give tls and mcias in [nodes.agent]');
    expect(err).toContain('nothing was sent to the node');
    expect(connections).toBe(0);
  });

  it('mcp node provision with good credentials goes on to SSH', async () => {
    const r = await runCli(home, ['node', 'provision', 'rift', '--artifacts', artifacts]);

    expect(r.code).toBe(1);
    expect(r.stderr.toString()).not.toContain('[nodes.credentials]');
    expect(r.stderr.toString()).not.toContain(TOKEN);
    expect(connections).toBeGreaterThan(0);
  });
});
