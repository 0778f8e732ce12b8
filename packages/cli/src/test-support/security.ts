// The security every CLI test runs under: @mcp/testkit's startTestSecurity (a throwaway CA and
// the real MCIAS stand-in) and a TLS pair for 127.0.0.1, shared by the servers and homes of one
// test file and stopped when the last of them is closed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  authorize,
  channelCredentials,
  type AuthContext,
  McIasClient,
  serverCredentials,
  TokenValidator,
  type Refusal,
  type ServerTlsFiles,
} from '@mcp/security';
import { startTestSecurity, type Mcias, type TestCa } from '@mcp/testkit';
import { createServer, type CompatServiceDefinition, type ServiceImplementation } from 'nice-grpc';

import type { Credentials } from '../lib/credentials.js';

/** The CA, MCIAS and server pair of one test file. */
export interface TestSecurity {
  readonly dir: string;
  readonly ca: TestCa;
  readonly mcias: Mcias;
  /** A pair for 127.0.0.1 signed by `ca`. */
  readonly tls: ServerTlsFiles;
  /** Judges bearer tokens through `mcias` (its 30 s cache included). */
  readonly validator: TokenValidator;
}

/** One user of the shared security; `release` once done (idempotent). */
export interface SecurityLease {
  readonly security: TestSecurity;
  release(): Promise<void>;
}

let shared: { users: number; ready: Promise<TestSecurity> } | undefined;

/** The file's security, started by the first caller. */
export async function acquireSecurity(): Promise<SecurityLease> {
  shared ??= { users: 0, ready: startSecurity() };
  const current = shared;
  current.users += 1;
  const security = await current.ready;
  let released = false;
  return {
    security,
    release: async () => {
      if (released) return;
      released = true;
      current.users -= 1;
      if (current.users > 0) return;
      if (shared === current) shared = undefined;
      await security.mcias.stop();
      await rm(security.dir, { recursive: true, force: true });
    },
  };
}

async function startSecurity(): Promise<TestSecurity> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-cli-security-'));
  const { ca, mcias, tls: pairFor } = await startTestSecurity({ dir });
  const tls = await pairFor(['127.0.0.1'], 'server');
  const validator = new TokenValidator(new McIasClient({ url: mcias.url, caFile: mcias.caFile }));
  return { dir, ca, mcias, tls, validator };
}

/** A test server of one service on 127.0.0.1, over TLS 1.3 behind `authorize()`. */
export interface SecuredServer {
  readonly address: string;
  readonly security: TestSecurity;
  /** Shuts the server down and releases the shared security. */
  close(): Promise<void>;
}

/**
 * Serves `implementation` of `definition` on a free port of 127.0.0.1 with the file's shared
 * security: every call authenticated and authorized, refusals pushed to `refusals`, the server
 * pair `tls` (default: the shared one for 127.0.0.1).
 */
export async function serveSecured<D extends CompatServiceDefinition>(
  definition: D,
  implementation: ServiceImplementation<D, AuthContext>,
  options: { refusals?: Refusal[]; tls?: ServerTlsFiles } = {},
): Promise<SecuredServer> {
  const lease = await acquireSecurity();
  const { security } = lease;
  const refusals = options.refusals ?? [];
  const server = createServer().use(
    authorize({ validator: security.validator, onRefused: (r) => refusals.push(r) }),
  );
  server.add(definition, implementation);
  const port = await server.listen('127.0.0.1:0', serverCredentials(options.tls ?? security.tls));
  return {
    address: `127.0.0.1:${port}`,
    security,
    close: async () => {
      await server.shutdown();
      await lease.release();
    },
  };
}

/** Credentials as `mcp login` would give `username`, for library tests (no token file). */
export async function credentialsFor(
  security: TestSecurity,
  username: string,
  opts: { ttlMs?: number } = {},
): Promise<Credentials> {
  const token = await security.mcias.issueToken(username, opts);
  const caFile = security.ca.certPath;
  return { caFile, channel: channelCredentials(caFile), tokenFile: '(none)', token: () => token };
}
