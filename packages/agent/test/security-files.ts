// `[tls]` and `[mcias]` for config and unit tests: files that pass the load-time checks
// (readable, keys and tokens 0600) without being a usable CA, pair or token. Tests that serve
// or call use the harness's (or testkit's startTestSecurity) instead.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { SecurityConfig } from '@mcp/security';

function write(dir: string): string {
  const tls = join(dir, 'tls');
  mkdirSync(tls, { recursive: true });
  writeFileSync(join(tls, 'ca.crt'), 'CA PEM\n');
  writeFileSync(join(tls, 'node.crt'), 'CERT PEM\n');
  writeFileSync(join(tls, 'node.key'), 'KEY PEM\n', { mode: 0o600 });
  writeFileSync(join(tls, 'agent.token'), 'token\n', { mode: 0o600 });
  return tls;
}

/** Writes `<dir>/tls/{ca.crt,node.crt,node.key,agent.token}`; the TOML lines naming them. */
export function securityLines(dir: string): string[] {
  write(dir);
  return [
    '[tls]',
    'ca_file = "tls/ca.crt"',
    'cert_file = "tls/node.crt"',
    'key_file = "tls/node.key"',
    '[mcias]',
    'url = "https://127.0.0.1:9443"',
    'token_file = "tls/agent.token"',
  ];
}

/** The same files as a `SecurityConfig`, for configs built in code. */
export function placeholderSecurity(dir: string): SecurityConfig {
  const tls = write(dir);
  return {
    tls: {
      caFile: join(tls, 'ca.crt'),
      certFile: join(tls, 'node.crt'),
      keyFile: join(tls, 'node.key'),
    },
    mcias: {
      url: 'https://127.0.0.1:9443',
      caFile: join(tls, 'ca.crt'),
      tokenFile: join(tls, 'agent.token'),
    },
  };
}
