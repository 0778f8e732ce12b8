// startPebble: Debian's Pebble ACME test server on a loopback address, EAB required, its own
// TLS from the test CA, restartable. Pebble makes a new issuing root at every start.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { join, resolve } from 'node:path';

import { createTestCa } from './ca.js';
import { freePort } from './net.js';
import { restartable } from './restartable.js';
import { requireTools, type Tool } from './requirements.js';

export const PEBBLE_TOOLS: readonly Tool[] = [{ tool: '/usr/bin/pebble', debianPackage: 'pebble' }];

/** An external account binding: the key id and its HMAC key (base64url). */
export interface ExternalAccountBinding {
  readonly kid: string;
  readonly hmacKey: string;
}

/** Options of `startPebble`. */
export interface PebbleOptions {
  /** Holds config, TLS pair, test CA and log; created. The caller removes it. */
  readonly dir: string;
  /** Loopback address to listen on. Default: `127.0.0.1`. */
  readonly address?: string;
  /**
   * DNS server (`host:port`) Pebble's challenge checks ask instead of the system resolver,
   * e.g. the MCNS stand-in. Default: none (the always-valid switch makes checks moot anyway).
   */
  readonly dnsServer?: string;
  /**
   * Sets Pebble's test switch `PEBBLE_VA_ALWAYS_VALID=1`: every challenge counts as valid and
   * none is checked. `false`: challenges are really validated (dns-01 against `dnsServer`).
   * Default: true.
   */
  readonly alwaysValid?: boolean;
  /** The one EAB key Pebble accepts. Default: kid `mcp-test` and a random 32-byte HMAC key. */
  readonly eab?: ExternalAccountBinding;
  /** How long to wait for the directory to answer. Default: 15 000 ms. */
  readonly readyTimeoutMs?: number;
}

/** A running (or stopped, restartable) Pebble. */
export interface Pebble {
  /** ACME directory, `https://<address>:<port>/dir`. */
  readonly directoryUrl: string;
  /** The test CA that signs Pebble's own TLS certificate: what ACME clients trust. */
  readonly caFile: string;
  /** The external account binding Pebble requires. */
  readonly eab: ExternalAccountBinding;
  readonly logFile: string;
  /** PID of the running process (of the last one while stopped). */
  readonly pid: number;
  /** PEM of the root that issues this run's certificates (management API `/roots/0`). */
  rootPem(): Promise<string>;
  /** SIGTERM, then SIGKILL after 5 s. Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and config (a new issuing root); no-op while it runs. */
  start(): Promise<void>;
}

/** Writes Pebble's config, starts it and waits until its ACME directory answers. */
export async function startPebble(options: PebbleOptions): Promise<Pebble> {
  requireTools('Pebble ACME server', PEBBLE_TOOLS);
  await mkdir(resolve(options.dir), { recursive: true });
  const dir = await realpath(resolve(options.dir));
  const address = options.address ?? '127.0.0.1';
  const eab = options.eab ?? { kid: 'mcp-test', hmacKey: randomBytes(32).toString('base64url') };

  // Pebble's own TLS pair, for its address, from a test CA of its own.
  const ca = await createTestCa(join(dir, 'ca'));
  const tls = await ca.issue({ names: [address, 'localhost'], dir: join(dir, 'tls') });
  const [port, managementPort, httpPort, tlsPort] = [
    await freePort(address),
    await freePort(address),
    await freePort(address),
    await freePort(address),
  ];
  const configFile = join(dir, 'pebble-config.json');
  const config = {
    pebble: {
      listenAddress: `${address}:${port}`,
      managementListenAddress: `${address}:${managementPort}`,
      certificate: tls.certPath,
      privateKey: tls.keyPath,
      httpPort,
      tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: true,
      externalAccountMACKeys: { [eab.kid]: eab.hmacKey },
    },
  };
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  const directoryUrl = `https://${address}:${port}/dir`;
  const managementUrl = `https://${address}:${managementPort}`;
  const caPem = await readFile(ca.certPath, 'utf8');
  const logFile = join(dir, 'pebble.log');
  const args = ['-config', configFile];
  if (options.dnsServer !== undefined) args.push('-dnsserver', options.dnsServer);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PEBBLE_WFE_NONCEREJECT: '0',
    PEBBLE_VA_NOSLEEP: '1',
    // Pebble's documented test switch: every challenge counts as valid, no check is made.
    PEBBLE_VA_ALWAYS_VALID: '1',
  };
  if (options.alwaysValid === false) delete env.PEBBLE_VA_ALWAYS_VALID;

  const run = restartable({
    command: '/usr/bin/pebble',
    args,
    logFile,
    env,
    what: `Pebble on ${directoryUrl}`,
    ready: async () => (await fetchText(directoryUrl, caPem)).length > 0,
    readyTimeoutMs: options.readyTimeoutMs,
  });

  await run.start();
  return {
    directoryUrl,
    caFile: ca.certPath,
    eab,
    logFile,
    get pid() {
      return run.pid;
    },
    rootPem: () => fetchText(`${managementUrl}/roots/0`, caPem),
    stop: () => run.stop(),
    start: () => run.start(),
  };
}

// One GET over HTTPS trusting only `ca`; rejects unless the status is 200.
function fetchText(url: string, ca: string): Promise<string> {
  return new Promise((resolveText, reject) => {
    const req = get(url, { ca, agent: false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolveText(body);
        else reject(new Error(`GET ${url} answered ${String(res.statusCode)}: ${body}`));
      });
    });
    req.once('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.once('error', reject);
  });
}
