// Runs the real `mcp` (bin/run.js over the built dist) as a child process with its own config:
// the test CA as ca_file, the MCIAS stand-in as [mcias] url, and a token file for alice.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { acquireSecurity, type TestSecurity } from './security.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/commands', import.meta.url));

/** A temporary home with an mcp.toml, a token file and a services directory beside it. */
export interface CliHome {
  dir: string;
  config: string;
  servicesDir: string;
  /** `token_file` of the config: `<dir>/token` (the default). */
  tokenFile: string;
  /** The shared CA and MCIAS the config points at. */
  security: TestSecurity;
  /** Writes `<services_dir>/<name>.toml`. */
  addDefinition(name: string, text: string): Promise<string>;
  /**
   * Writes a token for `username` to `tokenFile` (mode 0600 unless `mode`); `ttlMs` below 0
   * gives one that has expired. Returns the token.
   */
  writeToken(username: string, opts?: { ttlMs?: number; mode?: number }): Promise<string>;
  remove(): Promise<void>;
}

/** Options of makeHome. */
export interface HomeOptions {
  /** Whose token the home starts with. Default `alice` (admin); false: none (logged out). */
  user?: string | false;
}

/** A home whose config names the master and, for `--direct`, the agents of `nodes`. */
export async function makeHome(
  master: string,
  nodes: { name: string; address: string }[] = [],
  options: HomeOptions = {},
): Promise<CliHome> {
  const lease = await acquireSecurity();
  const { security } = lease;
  const dir = await mkdtemp(join(tmpdir(), 'mcp-cli-'));
  const config = join(dir, 'mcp.toml');
  const servicesDir = join(dir, 'services');
  const tokenFile = join(dir, 'token');
  await mkdir(servicesDir);
  const entries = nodes.map((n) => `\n[[nodes]]\nname = "${n.name}"\naddress = "${n.address}"\n`);
  await writeFile(
    config,
    `master = "${master}"\nca_file = "${security.ca.certPath}"\n\n` +
      `[mcias]\nurl = "${security.mcias.url}"\n${entries.join('')}`,
  );

  const writeToken: CliHome['writeToken'] = async (username, opts = {}) => {
    const ttl = opts.ttlMs === undefined ? {} : { ttlMs: opts.ttlMs };
    const token = await security.mcias.writeTokenFile(username, tokenFile, ttl);
    if (opts.mode !== undefined) await chmod(tokenFile, opts.mode);
    return token;
  };
  if (options.user !== false) await writeToken(options.user ?? 'alice');

  return {
    dir,
    config,
    servicesDir,
    tokenFile,
    security,
    addDefinition: async (name, text) => {
      const file = join(servicesDir, `${name}.toml`);
      await writeFile(file, text);
      return file;
    },
    writeToken,
    remove: async () => {
      await rm(dir, { recursive: true, force: true });
      await lease.release();
    },
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

/** Options of startCli and runCli. */
export interface RunOptions {
  /** Written to the CLI's stdin, which is then closed. Default: no stdin at all. */
  input?: string;
}

/** Starts `mcp <args>` with MCP_CONFIG set; HOME is the temp home so nothing else leaks in. */
export function startCli(
  home: CliHome,
  args: string[],
  options: RunOptions = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  if (!existsSync(DIST))
    throw new Error('dist is missing: run `pnpm --filter @mcp/cli build` first');
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, HOME: home.dir, XDG_CONFIG_HOME: '', MCP_CONFIG: home.config },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
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

export function runCli(home: CliHome, args: string[], options?: RunOptions): Promise<CliResult> {
  return startCli(home, args, options).done;
}
