// The one adapter to MCNS's REST records API (DESIGN.md section 9): records of a zone under
// /v1/zones/{zone}/records, each call with the bearer token. The exact endpoint lives here only.

/** One record as MCNS holds it: `name` fully qualified, lower-case, no trailing dot. */
export interface McnsRecord {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly value: string;
  readonly ttl: number;
}

/** What a create or replace carries. */
export type McnsRecordInput = Omit<McnsRecord, 'id'>;

/** Options of the client. */
export interface McnsClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8053`. */
  readonly url: string;
  /** Bearer token; never logged. */
  readonly token: string;
  /** Deadline of one call, in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
}

/** MCNS could not be reached, or did not answer in time. */
export class McnsUnreachableError extends Error {
  readonly code = 'MCNS_UNREACHABLE';
  constructor(
    readonly verb: string,
    readonly record: string,
    readonly zone: string,
    why: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to ${verb} record '${record}' in zone '${zone}': ${why}`, options);
    this.name = 'McnsUnreachableError';
  }
}

/** MCNS answered with an error status (a bad token, an unknown zone, a refused record). */
export class McnsRefusedError extends Error {
  readonly code = 'MCNS_REFUSED';
  constructor(
    readonly verb: string,
    readonly record: string,
    readonly zone: string,
    /** The HTTP status MCNS answered with. */
    readonly status: number,
    why: string,
  ) {
    super(
      `failed to ${verb} record '${record}' in zone '${zone}': MCNS answered ${status}: ${why}`,
    );
    this.name = 'McnsRefusedError';
  }
}

export class McnsClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: McnsClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** The zone's records, optionally those of one name (and type) only. */
  async list(zone: string, filter: { name?: string; type?: string } = {}): Promise<McnsRecord[]> {
    const query = new URLSearchParams();
    if (filter.name) query.set('name', filter.name);
    if (filter.type) query.set('type', filter.type);
    const q = query.size > 0 ? `?${query.toString()}` : '';
    const what = filter.name ?? '*';
    const body = await this.call('list', what, zone, 'GET', `${records(zone)}${q}`);
    return (body as { records: McnsRecord[] }).records;
  }

  async create(zone: string, input: McnsRecordInput): Promise<McnsRecord> {
    const body = await this.call('create', input.name, zone, 'POST', records(zone), input);
    return (body as { record: McnsRecord }).record;
  }

  async replace(zone: string, id: string, input: McnsRecordInput): Promise<McnsRecord> {
    const path = `${records(zone)}/${encodeURIComponent(id)}`;
    const body = await this.call('update', input.name, zone, 'PUT', path, input);
    return (body as { record: McnsRecord }).record;
  }

  async remove(zone: string, record: McnsRecord): Promise<void> {
    const path = `${records(zone)}/${encodeURIComponent(record.id)}`;
    await this.call('delete', record.name, zone, 'DELETE', path);
  }

  private async call(
    verb: string,
    record: string,
    zone: string,
    method: string,
    path: string,
    input?: McnsRecordInput,
  ): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(input ? { 'content-type': 'application/json' } : {}),
        },
        body: input ? JSON.stringify(input) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const why = unreachable(err, this.base, this.timeoutMs);
      throw new McnsUnreachableError(verb, record, zone, why, { cause: err });
    }

    const text = await res.text();
    if (!res.ok) throw new McnsRefusedError(verb, record, zone, res.status, reason(text));
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}

function records(zone: string): string {
  return `/v1/zones/${encodeURIComponent(zone)}/records`;
}

/** MCNS's `{ error }`, or the start of whatever else it sent. */
function reason(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === 'string' && error) return error;
  } catch {
    // Not JSON: the text itself says why.
  }
  return text.slice(0, 200) || 'no reason given';
}

/** `connection refused at http://...`, `timed out after 5000 ms`, or fetch's own words. */
function unreachable(err: unknown, base: string, timeoutMs: number): string {
  if ((err as Error).name === 'TimeoutError')
    return `MCNS at ${base} timed out after ${timeoutMs} ms`;
  const code = ((err as { cause?: { code?: unknown } }).cause?.code ?? '') as string;
  if (code === 'ECONNREFUSED') return `connection refused by MCNS at ${base}`;
  const why = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
  return `MCNS at ${base} not reached: ${why}`;
}
