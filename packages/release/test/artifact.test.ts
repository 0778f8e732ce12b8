// The four artifacts, as a node would run them: no Node.js on PATH, no environment at all.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AgentServiceDefinition } from '@mcp/proto';
import { channelCredentials, secureClient } from '@mcp/security';
import {
  allocateLoopbackAddress,
  cleanupAll,
  freePort,
  run,
  spawnProcess,
  startTestSecurity,
  type TestSecurity,
} from '@mcp/testkit';
import { stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import {
  ARCHES,
  ELF_MACHINE,
  PROGRAMS,
  buildArtifact,
  runArgs,
  target,
  type Arch,
  type Artifact,
  type Program,
} from '../src/index.js';

/** Fixed, so that repeat runs reuse the cached artifacts; `mcp-release build` bakes git's. */
const VERSION = '0.0.0-artifact-test';
const built = new Map<string, Artifact>();
const base = mkdtempSync(join(tmpdir(), 'mcp-release-test-'));
let security: TestSecurity;

beforeAll(async () => {
  security = await startTestSecurity({ dir: join(base, 'security'), services: ['agent-n1'] });
  for (const program of PROGRAMS) {
    for (const arch of ARCHES) {
      const artifact = await buildArtifact({ program, arch, version: VERSION });
      built.set(`${program}/${arch}`, artifact);
    }
  }
});

afterAll(async () => {
  await security?.stop();
  await cleanupAll();
  rmSync(base, { recursive: true, force: true });
});

function artifactOf(program: Program, arch: Arch): Artifact {
  const artifact = built.get(`${program}/${arch}`);
  if (!artifact) throw new Error(`not built: ${program}/${arch}`);
  return artifact;
}

/** The config of the program: the edge agent has no runtime and no srv_root, but a proxy. */
async function writeConfig(
  dir: string,
  program: Program,
  address: string,
  port: number,
): Promise<string> {
  const file = join(dir, 'config.toml');
  const tables = await security.configTables({ names: [address], account: 'agent-n1' });
  const common = `name = "n1"\naddress = "${address}"\nlisten = "${address}:${port}"\n`;
  const agent =
    `state_dir = "${dir}/state"\nsrv_root = "${dir}/srv"\n` +
    `runtime_socket = "${dir}/no-runtime.sock"\n`;
  // The edge agent needs its mc-proxy's admin socket named; nothing listens there.
  const edge = `state_dir = "${dir}/state"\nproxy_socket = "${dir}/mc-proxy.sock"\n`;
  // The [tls] and [mcias] tables come after every top-level key.
  writeFileSync(file, `${common}${program === 'agent' ? agent : edge}\n${stringify(tables)}\n`);
  return file;
}

describe.each(PROGRAMS.flatMap((p) => ARCHES.map((a) => [p, a] as const)))(
  'artifact %s linux-%s',
  (program, arch) => {
    test('answers --version with the baked version in an empty environment', async () => {
      const { runPrefix } = await target(arch);
      const [cmd, args] = runArgs(runPrefix, artifactOf(program, arch).file, ['--version']);
      expect((await run(cmd, args, { env: {} })).trim()).toBe(VERSION);
    });

    test('carries only ELF files of its own architecture', () => {
      const { elf } = artifactOf(program, arch);
      expect(elf[0]).toMatchObject({ offset: 0, type: 2 });
      // The agent embeds the SQLite addon (a shared object); the edge agent embeds nothing.
      expect(elf.filter((e) => e.type === 3)).toHaveLength(program === 'agent' ? 1 : 0);
      expect(elf.map((e) => e.machine)).toEqual(elf.map(() => ELF_MACHINE[arch]));
    });

    test('starts from a config, opens its registry and answers HealthCheck', async () => {
      const dir = mkdtempSync(join(base, `${program}-${arch}-`));
      const address = allocateLoopbackAddress();
      const port = await freePort(address);
      const config = await writeConfig(dir, program, address, port);
      const { runPrefix } = await target(arch);
      const [cmd, args] = runArgs(runPrefix, artifactOf(program, arch).file, ['--config', config]);
      const proc = await spawnProcess(cmd, args, { logFile: join(dir, 'log'), env: {} });

      // Over TLS 1.3 with an operator's token: the artifact validates it through MCIAS.
      const token = await security.mcias.login('alice');
      const { client, channel } = secureClient(
        AgentServiceDefinition,
        `${address}:${port}`,
        channelCredentials(security.ca.certPath),
        () => token,
      );
      try {
        const health = await retry(() => client.healthCheck({}), 60_000);
        expect(health).toMatchObject({ node: 'n1', version: VERSION });
        if (program === 'agent') {
          // Status reads the registry: it answers only if the database opened and migrated.
          expect((await client.status({})).services).toEqual([]);
          expect(existsSync(join(dir, 'state', 'agent.db'))).toBe(true);
        }
      } finally {
        channel.close();
        await proc.stop();
      }
    });
  },
);

async function retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
