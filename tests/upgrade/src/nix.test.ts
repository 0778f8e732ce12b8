// The NixOS module, checked with what Debian's nix-bin allows offline: every file parses, and the
// module and package evaluate against stubs of lib and pkgs (nix/check). See nix/README.md for
// what this does not check.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { run } from '@mcp/testkit';
import { describe, expect, test } from 'vitest';

const NIX = fileURLToPath(new URL('../../../nix', import.meta.url));
const files = [
  'module.nix',
  'package.nix',
  ...readdirSync(join(NIX, 'check')).map((f) => `check/${f}`),
];

describe('nix module', () => {
  test.each(files)('nix file %s parses', async (file) => {
    await expect(run('nix-instantiate', ['--parse', join(NIX, file)])).resolves.toBeTruthy();
  });

  test('nix module evaluates to a unit running /srv/mcp/mcp-agent, Podman and nix-ld', async () => {
    const out = await run('nix-instantiate', [
      '--eval',
      '--strict',
      '--json',
      join(NIX, 'check/eval.nix'),
    ]);
    const got = JSON.parse(out) as Record<string, unknown>;

    expect(got).toMatchObject({
      options: ['enable', 'group', 'package', 'settings', 'user'],
      execStart: '/srv/mcp/mcp-agent --config /etc/mcp/agent.toml',
      user: 'mcp',
      stateDirectory: 'mcp',
      podman: true,
      nixLd: true,
      users: ['mcp'],
      tmpfiles: ['d /srv/mcp 0755 mcp mcp -'],
      settingsDefaults: {
        state_dir: '/var/lib/mcp',
        srv_root: '/srv',
        runtime_socket: '/run/podman/podman.sock',
      },
      disabledConfig: {},
      packageSrc: '/tmp/mcp-agent-linux-arm64',
      packageNoStrip: true,
    });
    // The package seeds the live binary only when it is absent: upgrades own it afterwards.
    expect(got.execStartPre).toMatch(
      /^\+.*\[ -e \/srv\/mcp\/mcp-agent \] \|\| install -m 0755 \/nix\/store\/stub-mcp-agent\/bin\/mcp-agent \/srv\/mcp\/mcp-agent/,
    );
  });
});
