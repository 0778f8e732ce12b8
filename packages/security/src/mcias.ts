// The one adapter in front of MCIAS: log in, and ask whether a token is good. Every endpoint
// path and field name of MCIAS lives in this file, so a change of its API is a change here.
import type { Agent } from 'node:https';

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
  /** Deadline of one request. Default 5 000 ms. */
  readonly timeoutMs?: number;
}

/** What a login gives. */
export interface LoginResult {
  readonly token: string;
  readonly expiresAtMs: number;
}

/** What servers need of MCIAS: a verdict on a token. */
export interface TokenAuthority {
  /** The token's identity; TokenRejectedError when MCIAS refuses it, McIasUnavailableError otherwise. */
  validate(token: string): Promise<Identity>;
}

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
    // otherwise pay a TLS handshake per validation. Idle kept sockets do not hold the process.
    this.agent ??= new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      ca: this.ca,
      minVersion: MIN_TLS_VERSION,
    });
    const agent = this.agent;
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'POST',
          agent,
          ca: this.ca,
          minVersion: MIN_TLS_VERSION,
          timeout: this.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(this.unreachable(err)));
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
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(this.unreachable(err)));
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
