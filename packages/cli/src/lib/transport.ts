// The channel under the master and agent clients. Every call goes through a middleware that
// turns transport failures into the caller's "unreachable" error and status errors into its
// "refused" error, so a command only ever sees CliErrors.
import {
  ClientError,
  createChannel,
  createClientFactory,
  Status,
  type CallOptions,
  type Channel,
  type Client,
  type ClientMiddlewareCall,
  type CompatServiceDefinition,
} from 'nice-grpc';

import { isAbortError } from './errors.js';

/** How one kind of server's failures read. */
export interface TransportErrors {
  /** No connection: refused, unresolvable, or none within the connect timeout. */
  unreachable(reason: string, cause: unknown): Error;
  /** The server answered `method` with an error status (may ask the server more first). */
  refused(
    method: string,
    status: Status,
    details: string,
    cause: ClientError,
  ): Error | Promise<Error>;
}

/** A client and the channel under it; `close()` when the command is done. */
export interface Connection<C> {
  readonly address: string;
  readonly client: C;
  close(): void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

// grpc-js ConnectivityState values; nice-grpc re-exports the Channel type but not the enum.
const READY = 2;
const SHUTDOWN = 4;

/** Opens a channel to `host:port` and a client of `definition` on it. Insecure for now. */
export function connect<D extends CompatServiceDefinition>(
  definition: D,
  address: string,
  timeoutMs: number,
  errors: TransportErrors,
): Connection<Client<D>> {
  // TODO: TLS 1.3 with the platform CA and an MCIAS bearer token (DESIGN.md section 7); until
  // then the channel is plaintext and unauthenticated.
  const channel = createChannel(`http://${address}`);

  async function* reach<Req, Res>(
    call: ClientMiddlewareCall<Req, Res>,
    callOptions: CallOptions,
  ): AsyncGenerator<Res, Res | void, undefined> {
    const method = call.method.path.split('/').pop() ?? call.method.path;

    // Connection watchdog: abort the call when no connection comes up in time.
    const abort = new AbortController();
    const signals = callOptions.signal ? [callOptions.signal, abort.signal] : [abort.signal];
    let settled = false;
    let timedOut = false;
    void whenReady(channel, timeoutMs).then((ready) => {
      if (ready || settled) return;
      timedOut = true;
      abort.abort();
    });

    try {
      return yield* call.next(call.request, { ...callOptions, signal: AbortSignal.any(signals) });
    } catch (err) {
      if (timedOut) throw errors.unreachable(`no connection within ${timeoutMs / 1000} s`, err);
      if (isAbortError(err) || !(err instanceof ClientError)) throw err;
      // UNAVAILABLE on a live connection is the server's own answer, not a transport failure.
      if (err.code === Status.UNAVAILABLE && channel.getConnectivityState(false) !== READY) {
        throw errors.unreachable(transportReason(err.details), err);
      }
      throw await errors.refused(method, err.code, err.details, err);
    } finally {
      settled = true;
    }
  }

  const client = createClientFactory().use(reach).create(definition, channel);
  return { address, client, close: () => channel.close() };
}

/** True once the channel is READY; false at the deadline or when the channel closes. */
async function whenReady(channel: Channel, timeoutMs: number): Promise<boolean> {
  const deadline = new Date(Date.now() + timeoutMs);
  for (;;) {
    const state = channel.getConnectivityState(true);
    if (state === READY) return true;
    if (state === SHUTDOWN) return false;
    const changed = await new Promise<boolean>((resolve) =>
      channel.watchConnectivityState(state, deadline, (err) => resolve(!err)),
    );
    if (!changed) return false;
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
};

/** A short reason from grpc-js details such as "No connection established. Last error: ...". */
export function transportReason(details: string): string {
  const errno = /\b(E[A-Z_]{3,})\b/.exec(details)?.[1];
  const known = errno ? ERRNO_TEXT[errno] : undefined;
  if (known) return `${known} (${errno})`;
  return details.replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)\s*$/, '') || 'unavailable';
}
