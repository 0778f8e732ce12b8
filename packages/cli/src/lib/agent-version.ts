// Asking a node's agent for its version directly (HealthCheck at its [[nodes]] address), and
// waiting until it reports a given one.
import { setTimeout as sleep } from 'node:timers/promises';

import { connectAgent } from './agent-client.js';
import type { NodeEntry } from './config.js';
import type { Credentials } from './credentials.js';

/** What one HealthCheck said: the version, or why there was none. */
export type VersionAnswer = { version: string; rpcs: string[] } | { error: string };

/** One HealthCheck on a fresh channel (a restarted agent must not wait out a reconnect backoff). */
export async function askVersion(
  node: NodeEntry,
  credentials: Credentials,
  timeoutMs = 2_000,
): Promise<VersionAnswer> {
  const connection = connectAgent(node, credentials, { connectTimeoutMs: timeoutMs });
  try {
    const health = await connection.client.healthCheck(
      {},
      { signal: AbortSignal.timeout(timeoutMs) },
    );
    return { version: health.version, rpcs: health.rpcs };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] ?? 'no answer' };
  } finally {
    connection.close();
  }
}

/** Polls until the node reports `version` (true) or `timeoutMs` passes (the last answer). */
export async function waitForVersion(
  node: NodeEntry,
  credentials: Credentials,
  version: string,
  timeoutMs: number,
): Promise<true | VersionAnswer> {
  const deadline = Date.now() + timeoutMs;
  let last: VersionAnswer = { error: 'not asked' };
  while (Date.now() < deadline) {
    last = await askVersion(
      node,
      credentials,
      Math.min(2_000, Math.max(250, deadline - Date.now())),
    );
    if ('version' in last && last.version === version) return true;
    await sleep(250);
  }
  return last;
}

/** The last answer, for a message: `it reports 1.2.0` or `failed to reach ...`. */
export function describeAnswer(answer: VersionAnswer): string {
  return 'version' in answer ? `it reports ${answer.version}` : answer.error;
}
