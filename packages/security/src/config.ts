// The `[tls]` and `[mcias]` tables every server's config carries, read without a schema library
// (the edge agent stays small). Paths are relative to the config file; files are checked here,
// at load, so a bad mode or a missing file stops the program before it serves anything.
import { isAbsolute, resolve } from 'node:path';

import { SecurityConfigError } from './errors.js';
import { checkSecretFileMode, readPublicFile } from './secret-file.js';

/** A program's security settings. */
export interface SecurityConfig {
  readonly tls: {
    /** `[tls] ca_file`: the platform CA; every peer's certificate must chain to it. */
    readonly caFile: string;
    /** `[tls] cert_file`: this server's certificate (chain), PEM. */
    readonly certFile: string;
    /** `[tls] key_file`: its private key, PEM, mode 0600 or stricter. */
    readonly keyFile: string;
  };
  readonly mcias: {
    /** `[mcias] url`: `https://host:port` of MCIAS. */
    readonly url: string;
    /** `[mcias] ca_file`: CA of MCIAS's certificate. Default: `[tls] ca_file`. */
    readonly caFile: string;
    /**
     * `[mcias] token_file`: this program's own service token (mode 0600 or stricter), sent on
     * the calls it makes: `mcp-master` for the master, `agent-<node>` for an agent.
     */
    readonly tokenFile: string;
  };
}

/** Reads `[tls]` and `[mcias]` from a parsed TOML document whose file lives in `baseDir`. */
export function readSecurityConfig(doc: Record<string, unknown>, baseDir: string): SecurityConfig {
  const tls = table(doc, 'tls');
  const mcias = table(doc, 'mcias');
  noOthers(tls, 'tls', ['ca_file', 'cert_file', 'key_file']);
  noOthers(mcias, 'mcias', ['url', 'ca_file', 'token_file']);

  const caFile = path(tls, 'tls', 'ca_file', baseDir);
  const certFile = path(tls, 'tls', 'cert_file', baseDir);
  const keyFile = path(tls, 'tls', 'key_file', baseDir);
  const url = text(mcias, 'mcias', 'url');
  const why = mciasUrlProblem(url);
  if (why) throw new SecurityConfigError('mcias.url', `'${url}' ${why}`);
  const mciasCa = mcias.ca_file === undefined ? caFile : path(mcias, 'mcias', 'ca_file', baseDir);
  const tokenFile = path(mcias, 'mcias', 'token_file', baseDir);

  // The checks the programs would otherwise make at their first call.
  check('tls.ca_file', () => readPublicFile(caFile, 'CA certificate'));
  check('tls.cert_file', () => readPublicFile(certFile, 'TLS certificate'));
  check('tls.key_file', () => checkSecretFileMode(keyFile, 'TLS private key'));
  check('mcias.ca_file', () => readPublicFile(mciasCa, 'MCIAS CA certificate'));
  check('mcias.token_file', () => checkSecretFileMode(tokenFile, 'token file'));

  return {
    tls: { caFile, certFile, keyFile },
    mcias: { url: new URL(url).origin, caFile: mciasCa, tokenFile },
  };
}

function table(doc: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = doc[name];
  if (value === undefined) {
    throw new SecurityConfigError(name, `required: every channel uses TLS and MCIAS tokens`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SecurityConfigError(name, 'must be a table');
  }
  return value as Record<string, unknown>;
}

function noOthers(t: Record<string, unknown>, name: string, known: readonly string[]): void {
  const extra = Object.keys(t).find((k) => !known.includes(k));
  if (extra)
    throw new SecurityConfigError(`${name}.${extra}`, `unknown key (known: ${known.join(', ')})`);
}

function text(t: Record<string, unknown>, name: string, key: string): string {
  const value = t[key];
  if (value === undefined) throw new SecurityConfigError(`${name}.${key}`, 'required');
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SecurityConfigError(`${name}.${key}`, 'must be a non-empty string');
  }
  return value;
}

function path(t: Record<string, unknown>, name: string, key: string, baseDir: string): string {
  const value = text(t, name, key);
  return isAbsolute(value) ? value : resolve(baseDir, value);
}

function check(field: string, work: () => unknown): void {
  try {
    work();
  } catch (err) {
    throw new SecurityConfigError(field, err instanceof Error ? err.message : String(err));
  }
}

/** Why `url` cannot be MCIAS's base URL, or undefined: https, a host, nothing else. */
export function mciasUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an https:// URL';
  }
  if (parsed.protocol !== 'https:') return 'must be an https:// URL';
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) {
    return 'must be https://host[:port] only (the API paths are fixed)';
  }
  return undefined;
}
