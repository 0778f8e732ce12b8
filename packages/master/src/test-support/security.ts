// The security every master test runs under, from testkit's startTestSecurity: a throwaway CA,
// one TLS pair for 127.0.0.1 (the master and every fake agent listen there), and the real MCIAS
// stand-in with the human accounts alice (admin), bob (user), gail (guest) and the service
// accounts below. One per test file (vitest isolates files), started on first use, stopped by
// setup.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AGENT_ACCOUNT_PREFIX, channelCredentials, MASTER_ACCOUNT } from '@mcp/security';
import type { SecurityConfig } from '@mcp/security';
import { startTestSecurity, type Mcias, type TestCa } from '@mcp/testkit';
import type { ChannelCredentials } from 'nice-grpc';

import { testDir } from './tmp.js';

/** Nodes the tests use; each has an `agent-<node>` service account in the stand-in. */
export const TEST_NODES = [
  ...['rift', 'orion', 'hyper', 'svc', 'svc1', 'svc2', 'pi', 'ghost', 'late', 'lost', 'old'],
  ...['tiny', 'other', 'vega', 'lyra', 'stranger'],
] as const;

/** The agent identity of a node: `agent-<node>`. */
export function agentAccount(node: string): string {
  return `${AGENT_ACCOUNT_PREFIX}${node}`;
}

export interface TestSecurity {
  readonly dir: string;
  readonly ca: TestCa;
  readonly mcias: Mcias;
  /** The pair every test server listens with (IP SAN 127.0.0.1), and the CA. */
  readonly tls: SecurityConfig['tls'];
  /** Client credentials: TLS 1.3, servers verified against the test CA. */
  readonly channel: ChannelCredentials;
  /** A fresh token of `username` (see `Mcias.issueToken`; a negative ttl: expired already). */
  token(username: string, opts?: { ttlMs?: number }): Promise<string>;
  /** `[tls]` and `[mcias]` of a program whose own token is `username`'s, in a new file. */
  config(username: string): Promise<SecurityConfig>;
}

let shared: Promise<TestSecurity> | undefined;
/** Every token handed out in this test file, for the tests that grep logs for them. */
export const ISSUED_TOKENS: string[] = [];

/** The test file's security, started on first use. */
export function testSecurity(): Promise<TestSecurity> {
  shared ??= start();
  return shared;
}

/** Stops the stand-in, if this file started one. */
export async function stopTestSecurity(): Promise<void> {
  const running = shared;
  shared = undefined;
  if (running) await (await running).mcias.stop();
}

async function start(): Promise<TestSecurity> {
  const dir = testDir('security-');
  const services = [MASTER_ACCOUNT, ...TEST_NODES.map(agentAccount)];
  const { ca, mcias, tls: pair } = await startTestSecurity({ dir, address: '127.0.0.1', services });
  const tls = await pair(['127.0.0.1'], 'server');
  let files = 0;
  const token = async (username: string, opts?: { ttlMs?: number }): Promise<string> => {
    const value = await mcias.issueToken(username, opts);
    ISSUED_TOKENS.push(value);
    return value;
  };
  return {
    dir,
    ca,
    mcias,
    tls,
    channel: channelCredentials(ca.certPath),
    token,
    async config(username) {
      const tokenFile = join(dir, `${username}-${++files}.token`);
      writeFileSync(tokenFile, `${await token(username)}\n`, { mode: 0o600 });
      return { tls, mcias: { url: mcias.url, caFile: mcias.caFile, tokenFile } };
    },
  };
}
