// Shared set-up of the upgrade and provisioning tests: artifacts, the CLI, agent clients.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { AgentServiceDefinition } from '@mcp/proto';
import { buildArtifact } from '@mcp/release';
import { channelCredentials, secureClient } from '@mcp/security';
import { startTestSecurity, type SecurityTables, type TestSecurity } from '@mcp/testkit';
import { stringify } from 'smol-toml';

const require = createRequire(import.meta.url);
const CLI = join(dirname(require.resolve('@mcp/cli')), '..', 'bin', 'run.js');

/** The agent artifact with `version` baked in, in `<dir>/`; cached across runs. */
export async function agentArtifact(
  dir: string,
  version: string,
  arch: 'amd64' | 'arm64' = 'amd64',
): Promise<string> {
  const artifact = await buildArtifact({ program: 'agent', arch, version, outDir: dir });
  return artifact.file;
}

/** An "artifact" that exits at once, with a manifest claiming `version`. */
export function brokenArtifact(dir: string, version: string): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'mcp-agent-linux-amd64');
  const script = '#!/bin/sh\necho "mcp-agent: this test build refuses to start" >&2\nexit 1\n';
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  const sha256 = createHash('sha256').update(script).digest('hex');
  const size = Buffer.byteLength(script);
  writeFileSync(`${file}.json`, JSON.stringify({ version, arch: 'amd64', sha256, size }));
}

/** What a CLI run printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `mcp` with `MCP_CONFIG=config`. */
export function mcp(config: string, args: string[], timeoutMs = 240_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, MCP_CONFIG: config }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The platform CA, MCIAS and an operator's token, as every test node and CLI here uses them. */
export interface Trust {
  readonly security: TestSecurity;
  /** alice (admin): the CLI's token file and its token. */
  readonly operator: { readonly path: string; readonly token: string };
}

/** Starts MCIAS with `agent-<node>` accounts for `nodes` and logs alice in. */
export async function startTrust(dir: string, nodes: readonly string[]): Promise<Trust> {
  const security = await startTestSecurity({
    dir,
    services: ['mcp-master', ...nodes.map((n) => `agent-${n}`)],
  });
  return { security, operator: await security.tokenFile('alice') };
}

/**
 * The start of a CLI config trusting the platform CA with alice's token: top-level keys (give
 * others in `top`), then `[mcias]`; `[[nodes]]` entries go after it.
 */
export function cliConfigHead(trust: Trust, top = ''): string {
  return [
    top,
    `ca_file = "${trust.security.ca.certPath}"`,
    `token_file = "${trust.operator.path}"`,
    '',
    '[mcias]',
    `url = "${trust.security.mcias.url}"`,
    `ca_file = "${trust.security.mcias.caFile}"`,
    '',
    '',
  ].join('\n');
}

/** `[tls]` and `[mcias]` of node `name`'s agent at `listen`, as TOML objects. */
export function agentTables(trust: Trust, name: string, listen: string): Promise<SecurityTables> {
  const address = listen.slice(0, listen.lastIndexOf(':'));
  return trust.security.configTables({ names: [address], account: `agent-${name}` });
}

/** HealthCheck of an agent at `listen`, on a fresh TLS channel with the operator's token. */
export async function health(
  listen: string,
  trust: Trust,
): Promise<{ version: string; rpcs: string[] }> {
  const { client, channel } = secureClient(
    AgentServiceDefinition,
    listen,
    channelCredentials(trust.security.ca.certPath),
    () => trust.operator.token,
  );
  try {
    return await client.healthCheck({});
  } finally {
    channel.close();
  }
}

/** Polls HealthCheck until the agent reports `version`. */
export async function waitForVersion(
  listen: string,
  version: string,
  trust: Trust,
  timeoutMs = 30_000,
) {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    try {
      last = (await health(listen, trust)).version;
      if (last === version) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`agent at ${listen} did not report ${version} (last: ${last})`);
}

/** The agent TOML of a test node whose root stands for `/`. */
export async function agentToml(
  trust: Trust,
  name: string,
  listen: string,
  root: string,
  socket: string,
): Promise<string> {
  const address = listen.slice(0, listen.lastIndexOf(':'));
  return [
    `name = "${name}"`,
    `address = "${address}"`,
    `listen = "${listen}"`,
    `state_dir = "${root}/var/lib/mcp"`,
    `srv_root = "${root}/srv"`,
    `runtime_socket = "${socket}"`,
    '',
    stringify(await agentTables(trust, name, listen)),
    '',
  ].join('\n');
}
