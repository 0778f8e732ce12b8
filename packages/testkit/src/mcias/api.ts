// The MCIAS stand-in's endpoints: login and token validation as MCIAS serves them, and two admin
// endpoints for tests (issue a token for any account and ttl, revoke a token).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { passwordMatches, type AccountRecord } from './accounts.js';
import { HttpError, readJsonObject, type Handler, type Reply, type Routes } from './server.js';
import type { TokenAuthority } from './tokens.js';

/** What the endpoints work with. */
export interface ApiParts {
  readonly authority: TokenAuthority;
  readonly accounts: ReadonlyMap<string, AccountRecord>;
  /** The bearer token `/v1/admin/*` requires. */
  readonly adminToken: string;
  /** Lifetime of a token from login (or from the admin endpoint without `ttl_ms`). */
  readonly tokenTtlMs: number;
}

/** The same text for a wrong user and a wrong password, so neither is told apart. */
export const LOGIN_REFUSED = 'invalid username or password';

/** The route table of the stand-in. */
export function mciasRoutes(parts: ApiParts): Routes {
  const admin = (handler: Handler): Handler => {
    return async (req) => {
      if (!bearerIs(req.headers.authorization, parts.adminToken)) {
        throw new HttpError(401, 'a valid admin bearer token is required');
      }
      return handler(req);
    };
  };

  return new Map([
    ['/v1/auth/login', { POST: (req) => login(req, parts) }],
    ['/v1/token/validate', { POST: (req) => validate(req, parts) }],
    ['/v1/admin/tokens', { POST: admin((req) => issue(req, parts)) }],
    ['/v1/admin/revoke', { POST: admin((req) => revoke(req, parts)) }],
  ]);
}

async function login(req: IncomingMessage, parts: ApiParts): Promise<Reply> {
  const body = await readJsonObject(req);
  const { username, password } = body;
  if (typeof username !== 'string' || typeof password !== 'string') {
    throw new HttpError(400, 'body: "username" and "password" strings are required');
  }
  // `ttl_ms` is the stand-in's own addition, for tests of a token that runs out.
  const ttlMs = ttlOf(body, parts.tokenTtlMs);

  const account = parts.accounts.get(username);
  if (!(await passwordMatches(password, account?.password)) || account === undefined) {
    throw new HttpError(401, LOGIN_REFUSED);
  }
  return tokenReply(await parts.authority.issue(account, ttlMs));
}

async function validate(req: IncomingMessage, parts: ApiParts): Promise<Reply> {
  const { token } = await readJsonObject(req);
  if (typeof token !== 'string') throw new HttpError(400, 'body: a "token" string is required');

  const out = await parts.authority.validate(token);
  if (!out.valid) return { status: 200, body: { valid: false, reason: out.reason } };
  return {
    status: 200,
    body: {
      valid: true,
      username: out.username,
      account_type: out.accountType,
      roles: out.roles,
      expires_at: rfc3339(out.expiresAt),
    },
  };
}

async function issue(req: IncomingMessage, parts: ApiParts): Promise<Reply> {
  const body = await readJsonObject(req);
  const { username } = body;
  if (typeof username !== 'string')
    throw new HttpError(400, 'body: a "username" string is required');
  const ttlMs = ttlOf(body, parts.tokenTtlMs);

  const account = parts.accounts.get(username);
  if (account === undefined) throw new HttpError(404, `no account '${username}'`);
  return tokenReply(await parts.authority.issue(account, ttlMs));
}

async function revoke(req: IncomingMessage, parts: ApiParts): Promise<Reply> {
  const { token } = await readJsonObject(req);
  if (typeof token !== 'string') throw new HttpError(400, 'body: a "token" string is required');

  if (!(await parts.authority.revoke(token))) {
    throw new HttpError(400, 'token: not a token signed by this MCIAS');
  }
  return { status: 204 };
}

// Ten years either way: further, and an expiry is past what a Date can hold.
const MAX_TTL_MS = 10 * 366 * 24 * 3_600_000;

function ttlOf(body: Record<string, unknown>, fallback: number): number {
  const ttl = body.ttl_ms;
  if (ttl === undefined) return fallback;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || Math.abs(ttl) > MAX_TTL_MS) {
    throw new HttpError(400, 'ttl_ms: an integer number of milliseconds (at most ten years)');
  }
  return ttl;
}

function tokenReply(out: { token: string; expiresAt: Date }): Reply {
  return { status: 200, body: { token: out.token, expires_at: rfc3339(out.expiresAt) } };
}

/** `2026-01-02T03:04:05Z`: token times are whole seconds. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function bearerIs(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
