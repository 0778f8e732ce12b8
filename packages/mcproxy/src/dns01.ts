// dns-01 through MCNS: the TXT record `_acme-challenge.<hostname>` made with MCNS's REST records
// API (`/v1/zones/{zone}/records`, bearer token) while a challenge runs, and removed after.
// A minimal fetch client of its own: @mcp/mcproxy does not depend on the master's.
import { dnsName } from '@mcp/scheduler/routing';

import type { ChallengeSolver } from './acme-order.js';

/** Options of `McnsDns01Solver`. */
export interface McnsDns01Options {
  /** MCNS's REST API, e.g. `http://mcns.example:8080` (records under `/v1/zones/...`). */
  readonly url: string;
  /** The bearer token every call carries. */
  readonly token: string;
  /** The zone the challenge names live in, e.g. `mcp.test`. */
  readonly zone: string;
  /** TTL of the TXT records, in seconds. Default: 60. */
  readonly ttl?: number;
  /** Deadline of one REST call, in ms. Default: 10 000. */
  readonly timeoutMs?: number;
}

/** MCNS refused or did not answer a call of the dns-01 solver. */
export class Dns01RecordError extends Error {
  readonly code = 'DNS01_RECORD_FAILED';
  constructor(
    readonly verb: 'create' | 'remove',
    readonly record: string,
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to ${verb} the TXT record '${record}' on '${url}': ${reason}`, options);
    this.name = 'Dns01RecordError';
  }
}

interface McnsRecord {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

/**
 * Meets dns-01 challenges with TXT records in MCNS. MCNS serves a record as soon as it is
 * stored, so `create` resolving means the answer is in place (`selfChecked`: acme-client's own
 * pre-check through the system resolver, which may not see an internal zone, is skipped).
 */
export class McnsDns01Solver implements ChallengeSolver {
  readonly types = ['dns-01'] as const;
  readonly selfChecked = true;
  readonly #options: McnsDns01Options;
  readonly #zone: string;
  readonly #base: string;

  constructor(options: McnsDns01Options) {
    this.#options = options;
    this.#zone = lower(options.zone);
    this.#base =
      `${options.url.replace(/\/+$/, '')}/v1/zones/` + `${encodeURIComponent(this.#zone)}/records`;
  }

  /** The TXT record's name for `hostname`: `_acme-challenge.<hostname>`. */
  static recordName(hostname: string): string {
    return `_acme-challenge.${lower(hostname).replace(/^\*\./, '')}`;
  }

  /** Creates `_acme-challenge.<hostname>` TXT `<digest>`; one already there is kept. */
  async create(hostname: string, type: string, _token: string, digest: string): Promise<void> {
    const name = McnsDns01Solver.recordName(hostname);
    this.#check('create', name, type);
    const body = { name, type: 'TXT', value: digest, ttl: this.#options.ttl ?? 60 };
    const res = await this.#call('create', name, this.#base, { method: 'POST', body });
    if (res.status === 201 || res.status === 409) return; // 409: the same record is there
    throw await this.#refused('create', name, res);
  }

  /** Removes `_acme-challenge.<hostname>` TXT `<digest>`; absent already counts as done. */
  async remove(hostname: string, type: string, _token: string, digest: string): Promise<void> {
    const name = McnsDns01Solver.recordName(hostname);
    this.#check('remove', name, type);
    const query = `${this.#base}?name=${encodeURIComponent(name)}&type=TXT`;
    const res = await this.#call('remove', name, query, { method: 'GET' });
    if (res.status !== 200) throw await this.#refused('remove', name, res);
    const { records } = (await res.json()) as { records?: McnsRecord[] };
    for (const record of (records ?? []).filter((r) => r.value === digest)) {
      const url = `${this.#base}/${encodeURIComponent(record.id)}`;
      const gone = await this.#call('remove', name, url, { method: 'DELETE' });
      if (gone.status !== 204 && gone.status !== 404)
        throw await this.#refused('remove', name, gone);
    }
  }

  #check(verb: 'create' | 'remove', name: string, type: string): void {
    if (type !== 'dns-01') {
      throw new Dns01RecordError(verb, name, this.#base, `challenge type '${type}' is not dns-01`);
    }
    if (!name.endsWith(`.${this.#zone}`)) {
      throw new Dns01RecordError(verb, name, this.#base, `it is not in zone '${this.#zone}'`);
    }
  }

  async #call(
    verb: 'create' | 'remove',
    name: string,
    url: string,
    init: { method: string; body?: unknown },
  ): Promise<Response> {
    try {
      return await fetch(url, {
        method: init.method,
        headers: {
          authorization: `Bearer ${this.#options.token}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      const why = (err as Error).cause instanceof Error ? (err as Error).cause : err;
      const reason = `MCNS did not answer: ${(why as Error).message}`;
      throw new Dns01RecordError(verb, name, this.#base, reason, { cause: err });
    }
  }

  async #refused(verb: 'create' | 'remove', name: string, res: Response) {
    const text = await res.text().catch(() => '');
    let why = text;
    try {
      why = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON: the text itself
    }
    const reason = `MCNS answered ${res.status}${why === '' ? '' : `: ${why}`}`;
    return new Dns01RecordError(verb, name, this.#base, reason);
  }
}

function lower(name: string): string {
  return dnsName(name);
}
