// The channel under the master and agent clients: TLS 1.3 verified against the platform CA, and
// each call carrying the operator's MCIAS token. Every call goes through a middleware that turns
// transport failures into the caller's "unreachable" error and status errors into its "refused"
// error, so a command only ever sees CliErrors.
import { bearer, CALLER_TEXT } from '@mcp/security';
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

import type { Credentials } from './credentials.js';
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

/**
 * Opens a TLS 1.3 channel to `host:port` (the server's certificate checked against the CA of
 * `credentials`, for that name or IP address) and a client of `definition` on it whose calls
 * carry `authorization: Bearer <token>`.
 */
export function connect<D extends CompatServiceDefinition>(
  definition: D,
  address: string,
  timeoutMs: number,
  errors: TransportErrors,
  credentials: Credentials,
): Connection<Client<D>> {
  const channel = createChannel(address, credentials.channel);

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
        const reason = certificateReason(err.details, credentials.caFile);
        throw errors.unreachable(reason ?? transportReason(err.details), err);
      }
      throw await errors.refused(method, err.code, refusalText(err.code, err.details), err);
    } finally {
      settled = true;
    }
  }

  // `reach` outermost: it also sees a token that could not be read (a TokenFileError, as is).
  const client = createClientFactory()
    .use(reach)
    .use(bearer(credentials.token))
    .create(definition, channel);
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

/**
 * What a refusal reads: the server's reason, and for UNAUTHENTICATED (a token expired, revoked
 * or unknown) how to get a new token. The server's own "; log in again" is replaced by the
 * CLI's fuller advice rather than said twice. A call for operators refused (a guest) says
 * which accounts may make it.
 */
function refusalText(status: Status, details: string): string {
  if (status === Status.PERMISSION_DENIED && details.includes(CALLER_TEXT.operator)) {
    return `${details}; log in as an account with role admin or user: \`mcp login -u <name>\``;
  }
  if (status !== Status.UNAUTHENTICATED) return details;
  const reason = details.replace(/;\s*log in again\.?$/, '') || 'the token was refused';
  return `${reason}; log in again with \`mcp login\``;
}

// Node's TLS errors for a certificate the CA does not vouch for, or that names another host.
const UNTRUSTED = [
  /self[- ]signed certificate(?: in certificate chain)?/i,
  /unable to verify the first certificate/i,
  /unable to get (?:local )?issuer certificate/i,
  /certificate has expired/i,
  /certificate is not yet valid/i,
  /certificate signature failure/i,
  /Hostname\/IP does not match certificate's altnames[^\n]*?(?=\.?\s*Resolution note|\n|$)/,
];

/**
 * The reason for a TLS handshake that failed on the server's certificate (grpc-js reports it as
 * UNAVAILABLE, "No connection established. Last error: Error: <why>"), or for a server that does
 * not speak TLS; undefined for any other failure.
 */
export function certificateReason(details: string, caFile: string): string | undefined {
  for (const pattern of UNTRUSTED) {
    const why = pattern.exec(details)?.[0];
    if (why) {
      return (
        `the server's certificate was not trusted (${why.trim()}): it must be issued by the CA ` +
        `in ca_file '${caFile}' for the address dialled`
      );
    }
  }
  if (/unsupported protocol|protocol version/i.test(details)) {
    return 'the server does not offer TLS 1.3, the only version mcp speaks';
  }
  if (/wrong version number|packet length too long|unknown protocol/i.test(details)) {
    return 'the server does not speak TLS (is it an mcp server older than TLS 1.3 support?)';
  }
  return undefined;
}
