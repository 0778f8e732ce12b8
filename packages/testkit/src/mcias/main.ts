// The MCIAS stand-in program: `mcias --config <file.json>`. Serves login, token validation and
// the test admin endpoints over HTTPS (TLS 1.3 only) until SIGTERM or SIGINT.
import { readFileSync } from 'node:fs';

import { createLog } from '../mcproxy/log.js';
import { mciasRoutes } from './api.js';
import { loadMciasConfig } from './config.js';
import { serveHttps } from './server.js';
import { loadOrCreateSigningKey, RevocationList, TokenAuthority } from './tokens.js';

/** Runs the stand-in; resolves once it has stopped after a signal. */
export async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--config');
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (file === undefined) throw new Error('usage: mcias --config <file.json>');
  const config = loadMciasConfig(file);
  const log = createLog(config.logFile);
  const adminToken = readFileSync(config.adminTokenFile, 'utf8').trim();
  if (adminToken === '') throw new Error(`admin_token_file '${config.adminTokenFile}' is empty`);

  // The key and the revocations come from the dir, so tokens outlive a restart.
  const accounts = new Map(config.accounts.map((a) => [a.username, a]));
  const authority = new TokenAuthority(
    loadOrCreateSigningKey(config.signingKeyFile),
    accounts,
    new RevocationList(config.revocationsFile),
  );
  const server = await serveHttps({
    address: config.address,
    port: config.port,
    cert: readFileSync(config.certFile),
    key: readFileSync(config.keyFile),
    routes: mciasRoutes({ authority, accounts, adminToken, tokenTtlMs: config.tokenTtlMs }),
    log,
  });
  log('info', 'mcias stand-in started', {
    https: `${config.address}:${config.port}`,
    accounts: config.accounts.map((a) => a.username),
  });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  log('info', 'mcias stand-in stopped', { signal });
}
