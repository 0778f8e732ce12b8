// `[tls]` and `[mcias]` for config tests: files that pass the load-time checks (readable, keys
// and tokens 0600) without being a usable CA, pair or token. Servers in tests use testkit's
// startTestSecurity instead.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `<dir>/tls/{ca.crt,edge.crt,edge.key}` and `<dir>/tls/agent.token`; the TOML lines. */
export function securityLines(dir: string): string[] {
  const tls = join(dir, 'tls');
  mkdirSync(tls, { recursive: true });
  writeFileSync(join(tls, 'ca.crt'), 'CA PEM\n');
  writeFileSync(join(tls, 'edge.crt'), 'CERT PEM\n');
  writeFileSync(join(tls, 'edge.key'), 'KEY PEM\n', { mode: 0o600 });
  writeFileSync(join(tls, 'agent.token'), 'token\n', { mode: 0o600 });
  return [
    '[tls]',
    'ca_file = "tls/ca.crt"',
    'cert_file = "tls/edge.crt"',
    'key_file = "tls/edge.key"',
    '[mcias]',
    'url = "https://127.0.0.1:9443"',
    'token_file = "tls/agent.token"',
  ];
}

/** `[tls]` and `[mcias]` as TOML lines from testkit's `configTables`. */
export function tableLines(tables: {
  tls: Record<string, string>;
  mcias: Record<string, string>;
}): string[] {
  const table = (name: string, t: Record<string, string>) => [
    `[${name}]`,
    ...Object.entries(t).map(([k, v]) => `${k} = ${JSON.stringify(v)}`),
  ];
  return [...table('tls', tables.tls), ...table('mcias', tables.mcias)];
}
