// The four artifacts, as a node would run them: no Node.js on PATH, no environment at all.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AgentServiceDefinition } from '@mcp/proto';
import { allocateLoopbackAddress, cleanupAll, freePort, run, spawnProcess } from '@mcp/testkit';
import { createChannel, createClient } from 'nice-grpc';
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

beforeAll(async () => {
  for (const program of PROGRAMS) {
    for (const arch of ARCHES) {
      const artifact = await buildArtifact({ program, arch, version: VERSION });
      built.set(`${program}/${arch}`, artifact);
    }
  }
});

afterAll(async () => {
  await cleanupAll();
  rmSync(base, { recursive: true, force: true });
});

function artifactOf(program: Program, arch: Arch): Artifact {
  const artifact = built.get(`${program}/${arch}`);
  if (!artifact) throw new Error(`not built: ${program}/${arch}`);
  return artifact;
}

/** The config of the program: the edge agent has no runtime and no srv_root, but a proxy. */
function writeConfig(dir: string, program: Program, address: string, port: number): string {
  const file = join(dir, 'config.toml');
  const common = `name = "n1"\naddress = "${address}"\nlisten = "${address}:${port}"\n`;
  const agent =
    `state_dir = "${dir}/state"\nsrv_root = "${dir}/srv"\n` +
    `runtime_socket = "${dir}/no-runtime.sock"\n`;
  // The edge agent needs its mc-proxy's admin socket named; nothing listens there.
  const edge = `state_dir = "${dir}/state"\nproxy_socket = "${dir}/mc-proxy.sock"\n`;
  writeFileSync(file, common + (program === 'agent' ? agent : edge));
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
      const config = writeConfig(dir, program, address, port);
      const { runPrefix } = await target(arch);
      const [cmd, args] = runArgs(runPrefix, artifactOf(program, arch).file, ['--config', config]);
      const proc = await spawnProcess(cmd, args, { logFile: join(dir, 'log'), env: {} });

      const channel = createChannel(`${address}:${port}`);
      const client = createClient(AgentServiceDefinition, channel);
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
