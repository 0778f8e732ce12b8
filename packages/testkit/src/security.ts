// Everything a test needs to run mcp's servers and clients as production does: a platform CA,
// an MCIAS stand-in with the fleet's accounts, server pairs and token files, and the `[tls]` and
// `[mcias]` tables of a program's config.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { createTestCa, type TestCa } from './ca.js';
import { startMcias, type Mcias } from './mcias/start.js';
import { allocateLoopbackAddress } from './net.js';

/** The service accounts a test fleet has unless told otherwise. */
export const DEFAULT_SERVICE_ACCOUNTS: readonly string[] = [
  'mcp-master',
  'agent-rift',
  'agent-orion',
  'agent-hyperborea',
  'agent-svc',
];

export interface TestSecurityOptions {
  /** Holds the CA, MCIAS, pairs and token files; created. The caller removes it. */
  readonly dir: string;
  /** Where MCIAS listens. Default: a new loopback address. */
  readonly address?: string;
  /** System accounts (`mcp-master`, `agent-<node>`). Default `DEFAULT_SERVICE_ACCOUNTS`. */
  readonly services?: readonly string[];
  /** Use this CA instead of making one. */
  readonly ca?: TestCa;
}

/** Server-side TLS files, as the `[tls]` table names them. */
export interface TlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestSecurity {
  readonly dir: string;
  /** The platform CA: every server pair and MCIAS's certificate chain to it. */
  readonly ca: TestCa;
  readonly mcias: Mcias;
  /** A server pair for `names` (IPs or DNS names), key mode 0600. */
  tls(names: readonly string[], stem?: string): Promise<TlsFiles>;
  /** Issues a token for `username` and writes it to a 0600 file of its own. */
  tokenFile(username: string, opts?: { ttlMs?: number }): Promise<{ path: string; token: string }>;
  /** The `[tls]` and `[mcias]` tables of a program serving on `names` as `account`. */
  configTables(opts: { names: readonly string[]; account: string }): Promise<SecurityTables>;
  /** Stops MCIAS (the files stay until the caller removes `dir`). */
  stop(): Promise<void>;
}

/** What `configTables` gives, ready for a TOML config object. */
export interface SecurityTables {
  tls: { ca_file: string; cert_file: string; key_file: string };
  mcias: { url: string; ca_file: string; token_file: string };
}

export async function startTestSecurity(options: TestSecurityOptions): Promise<TestSecurity> {
  const dir = options.dir;
  await mkdir(join(dir, 'pairs'), { recursive: true, mode: 0o700 });
  await mkdir(join(dir, 'tokens'), { recursive: true, mode: 0o700 });
  const ca = options.ca ?? (await createTestCa(join(dir, 'ca')));
  const mcias = await startMcias({
    dir: join(dir, 'mcias'),
    address: options.address ?? allocateLoopbackAddress(),
    ca,
    accounts: {
      services: (options.services ?? DEFAULT_SERVICE_ACCOUNTS).map((username) => ({ username })),
    },
  });

  let serial = 0;
  const tls = async (names: readonly string[], stem?: string): Promise<TlsFiles> => {
    const pair = await ca.issue({
      names,
      dir: join(dir, 'pairs'),
      stem: stem ?? `server-${++serial}`,
    });
    return { caFile: ca.certPath, certFile: pair.certPath, keyFile: pair.keyPath };
  };

  const tokenFile = async (username: string, opts?: { ttlMs?: number }) => {
    const path = join(dir, 'tokens', `${username}-${++serial}.token`);
    const token = await mcias.writeTokenFile(username, path, opts);
    return { path, token };
  };

  return {
    dir,
    ca,
    mcias,
    tls,
    tokenFile,
    async configTables({ names, account }) {
      const files = await tls(names, `${account}-${++serial}`);
      const token = await tokenFile(account);
      return {
        tls: { ca_file: files.caFile, cert_file: files.certFile, key_file: files.keyFile },
        mcias: { url: mcias.url, ca_file: mcias.caFile, token_file: token.path },
      };
    },
    stop: () => mcias.stop(),
  };
}
