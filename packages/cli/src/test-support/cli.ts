// Runs the real `mcp` (bin/run.js over the built dist) as a child process with its own config.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/commands', import.meta.url));

/** A temporary home with an mcp.toml and a services directory beside it. */
export interface CliHome {
  dir: string;
  config: string;
  servicesDir: string;
  /** Writes `<services_dir>/<name>.toml`. */
  addDefinition(name: string, text: string): Promise<string>;
  remove(): Promise<void>;
}

/** A home whose config names the master and, for `--direct`, the agents of `nodes`. */
export async function makeHome(
  master: string,
  nodes: { name: string; address: string }[] = [],
): Promise<CliHome> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-cli-'));
  const config = join(dir, 'mcp.toml');
  const servicesDir = join(dir, 'services');
  await mkdir(servicesDir);
  const entries = nodes.map((n) => `\n[[nodes]]\nname = "${n.name}"\naddress = "${n.address}"\n`);
  await writeFile(config, `master = "${master}"\n${entries.join('')}`);
  return {
    dir,
    config,
    servicesDir,
    addDefinition: async (name, text) => {
      const file = join(servicesDir, `${name}.toml`);
      await writeFile(file, text);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What a finished run printed and how it ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** A `host:port` on 127.0.0.1 where nothing listens: bound, then closed again. */
export async function closedAddress(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `127.0.0.1:${port}`;
}

/** Starts `mcp <args>` with MCP_CONFIG set; HOME is the temp home so nothing else leaks in. */
export function startCli(
  home: CliHome,
  args: string[],
): { child: ChildProcess; done: Promise<CliResult> } {
  if (!existsSync(DIST))
    throw new Error('dist is missing: run `pnpm --filter @mcp/cli build` first');
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, HOME: home.dir, XDG_CONFIG_HOME: '', MCP_CONFIG: home.config },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
    );
  });
  return { child, done };
}

export function runCli(home: CliHome, args: string[]): Promise<CliResult> {
  return startCli(home, args).done;
}
