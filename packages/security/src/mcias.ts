// The one adapter in front of MCIAS: log in, and ask whether a token is good. Every endpoint
// path and field name of MCIAS lives in this file, so a change of its API is a change here.
import type { Agent, request as httpsRequest } from 'node:https';

import { AccountType, type Identity } from '@mcp/proto';

import { mciasUrlProblem } from './config.js';
import { LoginRefusedError, McIasUnavailableError, TokenRejectedError } from './errors.js';
import { readPublicFile } from './secret-file.js';
import { MIN_TLS_VERSION } from './tls.js';

/** Where MCIAS is and how to trust it. */
export interface McIasOptions {
  /** Base URL, `https://host:port`. */
  readonly url: string;
  /** CA that signed MCIAS's certificate (PEM). */
  readonly caFile: string;
  /**
   * Deadline of one question to MCIAS, from asking to the last byte of the answer, a wait for a
   * connection and one retry on a new connection included. Default 5 000 ms.
   */
  readonly timeoutMs?: number;
}

/** What a login gives. */
export interface LoginResult {
  readonly token: string;
  readonly expiresAtMs: number;
}

/** What servers need of MCIAS: a verdict on a token. */
export interface TokenAuthority {
  /**
   * The token's identity; TokenRejectedError when MCIAS refuses it, McIasUnavailableError when
   * it cannot be asked.
   */
  validate(token: string): Promise<Identity>;
}

type HttpsRequest = typeof httpsRequest;

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export class McIasClient implements TokenAuthority {
  private readonly ca: Buffer;
  private readonly timeoutMs: number;
  private agent: Agent | undefined;

  constructor(private readonly options: McIasOptions) {
    const why = mciasUrlProblem(options.url);
    if (why) throw new McIasUnavailableError(options.url, `the URL ${why}`);
    this.ca = readPublicFile(options.caFile, 'MCIAS CA certificate');
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  get url(): string {
    return this.options.url;
  }

  /** Closes kept connections (they hold nothing open, but a test may want them gone). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** Exchanges a user name and password for a token. */
  async login(username: string, password: string): Promise<LoginResult> {
    const reply = await this.post('/v1/auth/login', { username, password });
    if (reply.status === 401 || reply.status === 403) {
      throw new LoginRefusedError(username, text(reply.body.error) ?? 'refused by MCIAS');
    }
    if (reply.status !== 200) throw this.unexpected(reply);
    const token = text(reply.body.token);
    const expiresAtMs = Date.parse(text(reply.body.expires_at) ?? '');
    if (!token || Number.isNaN(expiresAtMs)) throw this.unexpected(reply);
    return { token, expiresAtMs };
  }

  async validate(token: string): Promise<Identity> {
    const reply = await this.post('/v1/token/validate', { token });
    if (reply.status !== 200) throw this.unexpected(reply);
    if (reply.body.valid !== true)
      throw new TokenRejectedError(text(reply.body.reason) ?? 'invalid');

    const username = text(reply.body.username);
    const expiresAtMs = Date.parse(text(reply.body.expires_at) ?? '');
    const roles = reply.body.roles;
    const type = reply.body.account_type;
    if (!username || Number.isNaN(expiresAtMs) || !Array.isArray(roles)) {
      throw this.unexpected(reply);
    }
    return {
      username,
      accountType:
        type === 'human'
          ? AccountType.ACCOUNT_TYPE_HUMAN
          : type === 'system'
            ? AccountType.ACCOUNT_TYPE_SYSTEM
            : AccountType.ACCOUNT_TYPE_UNSPECIFIED,
      roles: roles.filter((r): r is string => typeof r === 'string'),
      expiresAtMs,
    };
  }

  private unexpected(reply: Reply): McIasUnavailableError {
    const why = text(reply.body.error);
    return new McIasUnavailableError(
      this.url,
      `unexpected answer (HTTP ${reply.status}${why ? `: ${why}` : ''})`,
    );
  }

  private async post(path: string, payload: Record<string, string>): Promise<Reply> {
    const url = new URL(path, this.url);
    const body = JSON.stringify(payload);
    // Loaded at the first request, not at start: node:https costs the edge agent about 2 MiB of
    // its memory budget, and a node that is never called never needs it.
    const https = await import('node:https');
    // Connections are kept and reused: a master validating thousands of agents' tokens would
    // otherwise pay a TLS handshake per validation. An idle one is closed after 4 s, before
    // a server's own idle timeout (Node's is 5 s) can close it under a request; idle kept
    // sockets do not hold the process.
    this.agent ??= new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      timeout: 4_000,
      ca: this.ca,
      minVersion: MIN_TLS_VERSION,
    });

    // One deadline for the whole question, a wait for a free connection and a retry included:
    // a request timeout alone only notices an idle socket, and an MCIAS that answers a byte at
    // a time (or a queue behind a stopped one) would hold a call for minutes.
    const deadline = AbortSignal.timeout(this.timeoutMs);
    try {
      return await this.send(https.request, url, body, this.agent, deadline);
    } catch (err) {
      // A kept connection the server (or a cut link) had closed: once more on a new one.
      if (!(err instanceof StaleConnectionError)) throw this.unreachable(err as Error);
      // The first failure is not the reason to report; the second, if any, is.
      try {
        return await this.send(https.request, url, body, false, deadline);
      } catch (again) {
        throw this.unreachable(again as Error);
      }
    }
  }

  private send(
    request: HttpsRequest,
    url: URL,
    body: string,
    agent: Agent | false,
    deadline: AbortSignal,
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const late = () => new Error(`no answer within ${this.timeoutMs} ms`);
      if (deadline.aborted) {
        reject(late());
        return;
      }
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          ca: this.ca,
          minVersion: MIN_TLS_VERSION,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = {};
            try {
              parsed = raw === '' ? {} : JSON.parse(raw);
            } catch {
              parsed = {};
            }
            const obj = typeof parsed === 'object' && parsed !== null ? parsed : {};
            resolve({ status: res.statusCode ?? 0, body: obj as Record<string, unknown> });
          });
        },
      );
      // Destroying the request also ends a response under way; the first settlement wins.
      const onDeadline = () => {
        reject(late());
        req.destroy(late());
      };
      deadline.addEventListener('abort', onDeadline, { once: true });
      req.on('close', () => deadline.removeEventListener('abort', onDeadline));
      req.on('error', (err) => {
        const stale = req.reusedSocket && !deadline.aborted;
        reject(stale ? new StaleConnectionError(err) : err);
      });
      req.end(body);
    });
  }

  private unreachable(err: Error): McIasUnavailableError {
    const code = (err as NodeJS.ErrnoException).code;
    return new McIasUnavailableError(this.url, code ? `${err.message} (${code})` : err.message, {
      cause: err,
    });
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A request on a reused connection failed before an answer: worth one try on a new one. */
class StaleConnectionError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'StaleConnectionError';
  }
}
