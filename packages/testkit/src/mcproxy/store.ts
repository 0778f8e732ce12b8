// The stand-in's route table in its own SQLite file, so routes survive a restart of the program.
import type { mcproxy } from '@mcp/proto';
import Database from 'better-sqlite3';

type Route = mcproxy.Route;

interface Row {
  listener_port: number;
  hostname: string;
  backend: string;
  mode: number;
  backend_tls: number;
  tls_cert_path: string;
  tls_key_path: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS routes (
    listener_port INTEGER NOT NULL,
    hostname TEXT NOT NULL,
    backend TEXT NOT NULL,
    mode INTEGER NOT NULL,
    backend_tls INTEGER NOT NULL,
    tls_cert_path TEXT NOT NULL,
    tls_key_path TEXT NOT NULL,
    PRIMARY KEY (listener_port, hostname)
  )`;

/** Routes keyed by (listener port, hostname); hostnames are stored already normalised. */
export class RouteStore {
  private readonly db: Database.Database;
  private readonly stmt: {
    get: Database.Statement<[number, string], Row>;
    list: Database.Statement<[], Row>;
    upsert: Database.Statement<Row>;
    remove: Database.Statement<[number, string]>;
    count: Database.Statement<[number], { n: number }>;
  };

  constructor(file: string) {
    this.db = new Database(file);
    this.db.exec(SCHEMA);
    this.stmt = {
      get: this.db.prepare('SELECT * FROM routes WHERE listener_port = ? AND hostname = ?'),
      list: this.db.prepare('SELECT * FROM routes ORDER BY listener_port, hostname'),
      upsert: this.db.prepare(
        `INSERT INTO routes VALUES (@listener_port, @hostname, @backend, @mode, @backend_tls,
           @tls_cert_path, @tls_key_path)
         ON CONFLICT (listener_port, hostname) DO UPDATE SET backend = excluded.backend,
           mode = excluded.mode, backend_tls = excluded.backend_tls,
           tls_cert_path = excluded.tls_cert_path, tls_key_path = excluded.tls_key_path`,
      ),
      remove: this.db.prepare('DELETE FROM routes WHERE listener_port = ? AND hostname = ?'),
      count: this.db.prepare('SELECT count(*) AS n FROM routes WHERE listener_port = ?'),
    };
  }

  get(listenerPort: number, hostname: string): Route | undefined {
    const row = this.stmt.get.get(listenerPort, hostname);
    return row && fromRow(row);
  }

  /** Every route, sorted by listener port, then hostname; `listenerPort` 0 means all. */
  list(listenerPort = 0): Route[] {
    const all = this.stmt.list.all().map(fromRow);
    return listenerPort === 0 ? all : all.filter((r) => r.listenerPort === listenerPort);
  }

  /** Adds or replaces; false when an identical route was already there. */
  upsert(route: Route): boolean {
    const row = toRow(route);
    const before = this.stmt.get.get(row.listener_port, row.hostname);
    if (before && sameRow(before, row)) return false;

    this.stmt.upsert.run(row);
    return true;
  }

  /** False when there was no such route. */
  remove(listenerPort: number, hostname: string): boolean {
    return this.stmt.remove.run(listenerPort, hostname).changes > 0;
  }

  count(listenerPort: number): number {
    return this.stmt.count.get(listenerPort)?.n ?? 0;
  }

  close(): void {
    this.db.close();
  }
}

function toRow(r: Route): Row {
  return {
    listener_port: r.listenerPort,
    hostname: r.hostname,
    backend: r.backend,
    mode: r.mode,
    backend_tls: r.backendTls ? 1 : 0,
    tls_cert_path: r.tlsCertPath,
    tls_key_path: r.tlsKeyPath,
  };
}

function fromRow(r: Row): Route {
  return {
    listenerPort: r.listener_port,
    hostname: r.hostname,
    backend: r.backend,
    mode: r.mode,
    backendTls: r.backend_tls === 1,
    tlsCertPath: r.tls_cert_path,
    tlsKeyPath: r.tls_key_path,
  };
}

function sameRow(a: Row, b: Row): boolean {
  return (Object.keys(a) as (keyof Row)[]).every((k) => a[k] === b[k]);
}
