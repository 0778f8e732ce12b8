// The security the membership tests run under: testkit's startTestSecurity (a throwaway CA and
// the real MCIAS stand-in with alice (admin), bob (user), gail (guest), mcp-master and
// agent-rift among its accounts) and a TLS pair for 127.0.0.1, where the test master listens.
// One per test file (vitest isolates files), started on first use; `stopTestSecurity` ends it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { channelCredentials, McIasClient, serverCredentials, TokenValidator } from '@mcp/security';
import { startTestSecurity, type Mcias } from '@mcp/testkit';
import type { ChannelCredentials } from 'nice-grpc';

export interface TestSecurity {
  readonly mcias: Mcias;
  /** What the test master listens with: TLS 1.3, IP SAN 127.0.0.1. */
  readonly server: ReturnType<typeof serverCredentials>;
  /** What the agent side dials with: TLS 1.3, the test CA. */
  readonly channel: ChannelCredentials;
  /** The test master's token validator, through the stand-in. */
  readonly validator: TokenValidator;
  /** A fresh token of `username`; every one is kept in `issued`. */
  token(username: string, opts?: { ttlMs?: number }): Promise<string>;
  /** Every token handed out, for the tests that look for them in logs. */
  readonly issued: string[];
}

let shared: Promise<TestSecurity> | undefined;
let base: string | undefined;

/** The file's security, started on first use. */
export function testSecurity(): Promise<TestSecurity> {
  shared ??= start();
  return shared;
}

/** Stops the stand-in and removes its files, if this file started one. */
export async function stopTestSecurity(): Promise<void> {
  const running = shared;
  shared = undefined;
  if (running) await (await running).mcias.stop();
  if (base) rmSync(base, { recursive: true, force: true });
  base = undefined;
}

async function start(): Promise<TestSecurity> {
  const dir = mkdtempSync(join(tmpdir(), 'membership-security-'));
  base = dir;
  const security = await startTestSecurity({ dir, address: '127.0.0.1' });
  const tls = await security.tls(['127.0.0.1'], 'master');
  const { mcias } = security;

  const issued: string[] = [];
  return {
    mcias,
    server: serverCredentials(tls),
    channel: channelCredentials(tls.caFile),
    validator: new TokenValidator(new McIasClient({ url: mcias.url, caFile: mcias.caFile })),
    issued,
    async token(username, opts) {
      const value = await mcias.issueToken(username, opts);
      issued.push(value);
      return value;
    },
  };
}
