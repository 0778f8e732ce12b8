import { rmSync } from 'node:fs';
import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { registerCleanup } from './cleanup.js';
import { TeardownError } from './errors.js';
import { httpRequest } from './http.js';
import { freePort } from './net.js';
import { spawnProcess, waitUntilReady } from './process.js';
import { REGISTRY_TOOLS, requireTools } from './requirements.js';

/** Options of `startRegistry`. */
export interface RegistryOptions {
  /** Directory for configuration, blobs and log; created, and removed by `stop()`. */
  readonly dir: string;
  /** Address to listen on. Default: `127.0.0.1`. */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. Default: 0. */
  readonly port?: number;
  /** How long to wait for `GET /v2/`. Default: 15 000 ms. */
  readonly readyTimeoutMs?: number;
}

/** A running plain-HTTP image registry. */
export interface Registry {
  /** `host:port`, the prefix of image references in this registry. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  /** PID of `docker-registry`. */
  readonly pid: number;
  /** Stops the registry and removes `dir`. */
  stop(): Promise<void>;
}

/** Starts Debian's `docker-registry` (distribution 2.8) on a loopback address. */
export async function startRegistry(options: RegistryOptions): Promise<Registry> {
  requireTools('image registry', REGISTRY_TOOLS);
  const host = options.host ?? '127.0.0.1';
  const port = options.port || (await freePort(host));
  const address = `${host}:${port}`;

  // Write the configuration.
  await mkdir(resolve(options.dir), { recursive: true });
  const dir = await realpath(resolve(options.dir));
  const config = join(dir, 'config.yml');
  await writeFile(config, registryConfig(join(dir, 'data'), address));

  // Start it and wait for the API.
  const proc = await spawnProcess('docker-registry', ['serve', config], {
    logFile: join(dir, 'registry.log'),
  });
  const stopAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    await proc.stop().catch((err: unknown) => errors.push(err));
    await rm(dir, { recursive: true, force: true }).catch((err: unknown) => errors.push(err));
    if (errors.length > 0) throw new TeardownError(`registry '${address}'`, errors);
  };
  try {
    await waitUntilReady(proc, () => apiAnswers(address), {
      what: `registry on ${address}`,
      timeoutMs: options.readyTimeoutMs ?? 15_000,
    });
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    unregister();
    stopped ??= stopAll();
    return stopped;
  };
  const unregister = registerCleanup({
    label: `registry ${address}`,
    stop,
    stopSync: () => {
      if (proc.running()) process.kill(proc.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  });

  return { address, host, port, dir, pid: proc.pid, stop };
}

async function apiAnswers(address: string): Promise<boolean> {
  const res = await httpRequest(`http://${address}/v2/`, { timeoutMs: 2_000 });
  return res.status === 200;
}

// JSON strings are valid YAML scalars, so paths need no YAML escaping of their own.
function registryConfig(rootDirectory: string, address: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(rootDirectory)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${JSON.stringify(address)}`,
    '',
  ].join('\n');
}
