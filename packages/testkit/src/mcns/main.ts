// The MCNS stand-in program: `mcns --config <file>`. Serves the records REST API over HTTP and
// answers DNS queries over UDP from the same records, until SIGTERM or SIGINT.
import { readFileSync } from 'node:fs';

import { createLog } from '../mcproxy/log.js';
import { loadMcnsConfig } from './config.js';
import { serveDns } from './dns.js';
import { serveRest } from './rest.js';
import { RecordStore } from './store.js';

/** Runs the stand-in; resolves once it has stopped after a signal. */
export async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--config');
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (file === undefined) throw new Error('usage: mcns --config <file.toml|file.json>');
  const config = loadMcnsConfig(file);
  const log = createLog(config.logFile);
  const token = readFileSync(config.tokenFile, 'utf8').trim();
  if (token === '') throw new Error(`token_file '${config.tokenFile}' is empty`);

  // DNS first, then the REST API: once the API answers, names resolve.
  const store = new RecordStore(config.database, config.zones);
  const dns = await serveDns(config.address, config.dnsPort, { store, log });
  const rest = await serveRest(config.address, config.httpPort, { store, token, log });
  log('info', 'mcns stand-in started', {
    http: `${config.address}:${config.httpPort}`,
    dns: `${config.address}:${config.dnsPort}`,
    zones: config.zones,
    database: config.database,
  });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  rest.closeAllConnections();
  await new Promise((resolve) => rest.close(resolve));
  dns.close();
  log('info', 'mcns stand-in stopped', { signal });
}
