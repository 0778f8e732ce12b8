// Reading one TOML table field by field: each reader names the field in its error, and
// `noOthers` refuses keys nobody read, so a misspelt or foreign key is not silently ignored.
import { DNS_LABEL, dnsName } from '@mcp/scheduler/routing';

const HOST_PORT = /^.+:\d+$/;

/** A dotted name of DNS labels, lower-case, without a trailing dot. */
function isDomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((l) => DNS_LABEL.test(l));
}

/** Reads fields of one table; every error message starts with the field's name. */
export class FieldReader {
  private readonly read = new Set<string>();

  /** `prefix` opens every error's field name, e.g. `acme.` for the fields of `[acme]`. */
  constructor(
    private readonly table: Record<string, unknown>,
    private readonly prefix = '',
  ) {}

  /** `read()` when the field is present, else undefined. */
  optional<T>(key: string, read: () => T): T | undefined {
    this.read.add(key);
    return this.table[key] === undefined ? undefined : read();
  }

  text(key: string): string {
    const v = this.value(key);
    if (typeof v !== 'string' || v === '') throw this.error(key, 'must be a non-empty string');
    return v;
  }

  label(key: string): string {
    return this.check(key, (v) => ok(DNS_LABEL.test(v), v, 'must be a DNS label'));
  }

  hostPort(key: string): string {
    return this.check(key, (v) => ok(HOST_PORT.test(v), v, 'must be host:port'));
  }

  domain(key: string): string {
    return this.check(key, (v) => ok(isDomain(v), v, 'must be a lower-case DNS name'));
  }

  int(key: string, min: number): number {
    const v = this.value(key);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw this.error(key, 'must be an integer');
    if (v < min) throw this.error(key, `must be at least ${min}`);
    return v;
  }

  /** A number (integer or not) above `above`. */
  number(key: string, above: number): number {
    const v = this.value(key);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.error(key, 'must be a number');
    if (v <= above) throw this.error(key, `must be above ${above}`);
    return v;
  }

  /** A sub-table, read by a reader of its own whose errors name `<key>.<field>`. */
  section(key: string): FieldReader {
    const v = this.value(key);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw this.error(key, 'must be a table');
    }
    return new FieldReader(v as Record<string, unknown>, `${this.prefix}${key}.`);
  }

  labels(key: string): string[] {
    return this.list(key, (v) => ok(DNS_LABEL.test(v), v, 'must be a DNS label'));
  }

  /** Allowed domains: DNS names, compared lower-case without a trailing dot. */
  domains(key: string): string[] {
    return this.list(key, (v) => {
      const name = dnsName(v);
      return ok(isDomain(name), name, `'${v}' is not a DNS name`);
    });
  }

  /** A string field passed through `convert`, whose thrown message becomes the reason. */
  check(key: string, convert: (v: string) => string): string {
    const v = this.text(key);
    try {
      return convert(v);
    } catch (err) {
      throw this.error(key, (err as Error).message);
    }
  }

  /** Marks `keys` as read by another reader (a table a library reads itself). */
  delegated(...keys: string[]): void {
    for (const key of keys) this.read.add(key);
  }

  /** Refuses every key no reader asked for. */
  noOthers(): void {
    const other = Object.keys(this.table).find((k) => !this.read.has(k));
    if (other !== undefined) throw this.error(other, 'is not an edge agent setting');
  }

  private list(key: string, convert: (v: string) => string): string[] {
    const v = this.value(key);
    if (!Array.isArray(v)) throw this.error(key, 'must be a list of strings');
    return v.map((item, i) => {
      if (typeof item !== 'string') throw this.error(`${key}.${i}`, 'must be a string');
      try {
        return convert(item);
      } catch (err) {
        throw this.error(`${key}.${i}`, (err as Error).message);
      }
    });
  }

  private value(key: string): unknown {
    this.read.add(key);
    const v = this.table[key];
    if (v === undefined) throw this.error(key, 'is required');
    return v;
  }

  private error(key: string, reason: string): Error {
    return new Error(`${this.prefix}${key}: ${reason}`);
  }
}

function ok(passed: boolean, value: string, reason: string): string {
  if (!passed) throw new Error(reason);
  return value;
}
