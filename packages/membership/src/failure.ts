// How a failed call to the master reads, what kind of failure it is, and whether the channel it
// used is worth keeping.
import type { NodeInfo } from '@mcp/proto';
import { SecretFileError, SecretFileModeError } from '@mcp/security';
import { ClientError, Status } from 'nice-grpc';

/** A call to the master that got no answer within its deadline. */
export class DeadlineError extends Error {
  readonly code = 'DEADLINE_EXCEEDED';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * What a failure means for the loop:
 * - `unreachable`: nothing answered (unavailable, deadline passed, transport error);
 * - `refused`: the master refused the node's identity (UNAUTHENTICATED, PERMISSION_DENIED), or
 *   the agent's own token file could not be read: an operator must act;
 * - `limited`: the master's rate limit (RESOURCE_EXHAUSTED); wait as long as it says;
 * - `other`: any other status the master chose.
 */
export type FailureKind = 'unreachable' | 'refused' | 'limited' | 'other';

export function failureKind(err: unknown): FailureKind {
  if (err instanceof SecretFileError || err instanceof SecretFileModeError) return 'refused';
  if (!(err instanceof ClientError)) return 'unreachable';
  switch (err.code) {
    case Status.UNAVAILABLE:
    case Status.DEADLINE_EXCEEDED:
      return 'unreachable';
    case Status.UNAUTHENTICATED:
    case Status.PERMISSION_DENIED:
      return 'refused';
    case Status.RESOURCE_EXHAUSTED:
      return 'limited';
    default:
      return 'other';
  }
}

/**
 * True when the failure says nothing answered: the channel is dropped so the next call connects
 * afresh instead of waiting out grpc-js's own reconnect backoff. A status the master chose
 * (refusal, NOT_FOUND) keeps the channel.
 */
export function dropsChannel(err: unknown): boolean {
  return failureKind(err) === 'unreachable';
}

/**
 * The wait a RESOURCE_EXHAUSTED answer names, in ms: its details' `retry in N s` (or `N ms`);
 * undefined for any other failure or when the master named none.
 */
export function retryAfterMs(err: unknown): number | undefined {
  if (!(err instanceof ClientError) || err.code !== Status.RESOURCE_EXHAUSTED) return undefined;
  const m = /retry in (\d+(?:\.\d+)?)\s*(ms|s)\b/i.exec(err.details);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.ceil(m[2]?.toLowerCase() === 'ms' ? n : n * 1000);
}

/** "failed to <action> '<node>' at master '<address>': <STATUS>: <details>". */
export function describeFailure(
  action: string,
  options: { node: NodeInfo; masterAddress: string },
  err: unknown,
): string {
  let why: string;
  if (err instanceof ClientError) why = `${Status[err.code]}: ${err.details}`;
  else if (err instanceof DeadlineError) why = `${err.code}: ${err.message}`;
  else why = err instanceof Error ? err.message : String(err);

  return `failed to ${action} '${options.node.name}' at master '${options.masterAddress}': ${why}`;
}
