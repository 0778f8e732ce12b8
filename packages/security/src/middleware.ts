// The server middleware every mcp gRPC server runs first: authenticate the bearer token through
// MCIAS (cached), then authorize the method against its map. Default deny.
import type { Identity } from '@mcp/proto';
import { ServerError, Status, type CallContext, type ServerMiddleware } from 'nice-grpc';

import { CALLER_TEXT, describeIdentity, isAllowed } from './callers.js';
import { clip } from './clip.js';
import { McIasUnavailableError, TokenRejectedError } from './errors.js';
import { callersOf } from './policy.js';
import type { TokenValidator } from './validator.js';

/** What an authorized call's context carries: who is calling. */
export interface AuthContext {
  readonly identity: Identity;
}

/** A refusal, for the server's log: the method and why, never the token. */
export interface Refusal {
  readonly method: string;
  readonly code: Status;
  readonly reason: string;
  readonly username?: string;
}

export interface AuthorizeOptions {
  readonly validator: TokenValidator;
  /** Told of every refused call. Default: nothing. */
  readonly onRefused?: (refusal: Refusal) => void;
}

/** `createServer().use(authorize({ validator }))`: every call authenticated and authorized. */
export function authorize(options: AuthorizeOptions): ServerMiddleware<AuthContext> {
  return async function* authorizeCall(call, context) {
    const method = call.method.path.replace(/^\//, '');
    const identity = await authenticate(method, context, options);

    const callers = callersOf(call.method.path);
    if (!callers) {
      throw refuse(
        options,
        method,
        Status.PERMISSION_DENIED,
        `${method} is not in the authorization map`,
        identity,
      );
    }
    if (!isAllowed(identity, callers)) {
      const who = callers.map((c) => CALLER_TEXT[c]).join(' or ');
      throw refuse(
        options,
        method,
        Status.PERMISSION_DENIED,
        `${describeIdentity(identity)} may not call ${method}: it is for ${who}`,
        identity,
      );
    }

    try {
      return yield* call.next(call.request, { ...context, identity });
    } catch (err) {
      throw bounded(err);
    }
  };
}

/** The longest error detail a server sends: an echoed bad value is cut, not sent whole. */
export const MAX_DETAILS = 1_024;

// grpc-js carries details in a trailer; one of a few hundred kilobytes (a huge bad name echoed
// back) never reaches the client, which then waits for the call forever.
function bounded(err: unknown): unknown {
  if (!(err instanceof ServerError) || err.details.length <= MAX_DETAILS) return err;
  return new ServerError(err.code, clip(err.details, MAX_DETAILS));
}

async function authenticate(
  method: string,
  context: CallContext,
  options: AuthorizeOptions,
): Promise<Identity> {
  const header = context.metadata.get('authorization');
  const token = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  if (!token) {
    throw refuse(
      options,
      method,
      Status.UNAUTHENTICATED,
      `failed to authenticate call to ${method}: no bearer token (authorization: Bearer <token>)`,
    );
  }

  try {
    return await options.validator.validate(token);
  } catch (err) {
    if (err instanceof TokenRejectedError) {
      throw refuse(options, method, Status.UNAUTHENTICATED, `${err.message}; log in again`);
    }
    if (err instanceof McIasUnavailableError) {
      throw refuse(
        options,
        method,
        Status.UNAVAILABLE,
        `failed to authenticate call to ${method}: ${err.message}`,
      );
    }
    throw refuse(
      options,
      method,
      Status.INTERNAL,
      `failed to authenticate call to ${method}: ${String(err)}`,
    );
  }
}

function refuse(
  options: AuthorizeOptions,
  method: string,
  code: Status,
  reason: string,
  identity?: Identity,
): ServerError {
  options.onRefused?.({
    method,
    code,
    reason,
    ...(identity ? { username: identity.username } : {}),
  });
  return new ServerError(code, reason);
}
