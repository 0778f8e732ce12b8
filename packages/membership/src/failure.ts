// How a failed call to the master reads, and whether the channel it used is worth keeping.
import type { NodeInfo } from '@mcp/proto';
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
 * True when the failure says nothing answered (unavailable, deadline passed, transport error):
 * the channel is dropped so the next call connects afresh instead of waiting out grpc-js's own
 * reconnect backoff. A status the master chose (refusal, NOT_FOUND) keeps the channel.
 */
export function dropsChannel(err: unknown): boolean {
  if (!(err instanceof ClientError)) return true;
  return err.code === Status.UNAVAILABLE || err.code === Status.DEADLINE_EXCEEDED;
}

/** "failed to <action> at master '<address>': <STATUS>: <details>". */
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
