// The mc-proxy stand-in program: `mc-proxy --config <file>`. Listens on the configured ports,
// routes TLS connections by SNI and serves the admin API until SIGTERM or SIGINT.
import { readFileSync } from 'node:fs';

import { serveAdmin } from './admin.js';
import { CertificateCache } from './certs.js';
import { loadConfig } from './config.js';
import { HttpProxy } from './l7.js';
import { Listener } from './listener.js';
import { createLog } from './log.js';
import { RouteStore } from './store.js';

/** Reported by GetStatus: the stand-in's name and the testkit's version. */
export function standInVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `mc-proxy-standin/${pkg.version}`;
}

/** Runs the stand-in; resolves once it has stopped after a signal. */
export async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--config');
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (file === undefined) throw new Error('usage: mc-proxy --config <file.toml|file.json>');
  const config = loadConfig(file);
  const log = createLog(config.logFile);

  // Routes, then the listeners, then the admin API: once the socket answers, traffic flows.
  const store = new RouteStore(config.database);
  const ca = config.backendCaFile === undefined ? undefined : readFileSync(config.backendCaFile);
  const http = new HttpProxy(new CertificateCache(), log, ca);
  const listeners = config.listeners.map(
    (port) =>
      new Listener(config.address, port, {
        store,
        http,
        log,
      }),
  );
  await Promise.all(listeners.map((l) => l.listen()));
  const admin = await serveAdmin(config.adminSocket, {
    version: standInVersion(),
    startedAtMs: Date.now(),
    listeners: config.listeners,
    store,
    log,
    counters: (port) => {
      const l = listeners.find((x) => x.port === port);
      return { address: l?.hostPort ?? '', active: l?.active ?? 0, total: l?.total ?? 0 };
    },
  });
  log('info', 'mc-proxy stand-in started', {
    socket: config.adminSocket,
    database: config.database,
    listeners: listeners.map((l) => l.hostPort),
  });

  // Stop on a signal: no new connections, admin calls drained, database closed.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  for (const l of listeners) l.close();
  const forced = setTimeout(() => admin.forceShutdown(), 2_000);
  await admin.shutdown();
  clearTimeout(forced);
  store.close();
  log('info', 'mc-proxy stand-in stopped', { signal });
}
