// Record shape and checks of the MCNS stand-in's REST API: each refusal opens with its field.
import { isIPv4, isIPv6 } from 'node:net';

/** One record as the REST API shows it. Names are fully qualified, lower-case, no trailing dot. */
export interface McnsRecord {
  readonly id: string;
  readonly name: string;
  readonly type: RecordType;
  readonly value: string;
  readonly ttl: number;
}

/** The record types the stand-in serves. */
export const RECORD_TYPES = ['A', 'AAAA', 'TXT'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** A record without its id: what POST and PUT carry. */
export type RecordInput = Omit<McnsRecord, 'id'>;

/** Default TTL of a record that names none, in seconds. */
export const DEFAULT_TTL = 300;

/** A request body field the API refuses; the message opens with the field. */
export class BadRecordError extends Error {
  readonly code = 'BAD_RECORD';
  constructor(
    readonly field: string,
    why: string,
  ) {
    super(`${field}: ${why}`);
    this.name = 'BadRecordError';
  }
}

// A label of a DNS name; `_` is allowed for names such as `_acme-challenge`.
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower-cased, one trailing dot dropped. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Whether `name` is `zone` or under it. */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** Checks a POST or PUT body for `zone`; throws BadRecordError naming the field. */
export function parseRecord(body: unknown, zone: string): RecordInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRecordError('body', 'a JSON object { name, type, value, ttl } is required');
  }
  const { name, type, value, ttl } = body as Record<string, unknown>;

  if (typeof name !== 'string' || name === '') {
    throw new BadRecordError('name', 'a fully qualified name is required');
  }
  const fqdn = normaliseName(name);
  if (fqdn.length > 253 || !fqdn.split('.').every((l) => LABEL.test(l))) {
    throw new BadRecordError('name', `'${name}' is not a DNS name`);
  }
  if (!inZone(fqdn, zone)) {
    throw new BadRecordError('name', `'${name}' is not in zone '${zone}'`);
  }

  const kind = typeof type === 'string' ? type.toUpperCase() : '';
  if (!(RECORD_TYPES as readonly string[]).includes(kind)) {
    throw new BadRecordError('type', `one of ${RECORD_TYPES.join(', ')} is required`);
  }
  return {
    name: fqdn,
    type: kind as RecordType,
    value: parseValue(kind as RecordType, value),
    ttl: parseTtl(ttl),
  };
}

function parseValue(type: RecordType, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new BadRecordError('value', 'a non-empty string is required');
  }
  if (type === 'A' && !isIPv4(value)) {
    throw new BadRecordError('value', `'${value}' is not an IPv4 address`);
  }
  if (type === 'AAAA' && !isIPv6(value)) {
    throw new BadRecordError('value', `'${value}' is not an IPv6 address`);
  }
  if (type === 'TXT' && Buffer.byteLength(value) > 4096) {
    throw new BadRecordError('value', 'a TXT value is at most 4096 bytes');
  }
  return value;
}

function parseTtl(ttl: unknown): number {
  if (ttl === undefined) return DEFAULT_TTL;
  if (!Number.isInteger(ttl) || Number(ttl) < 0 || Number(ttl) > 2_147_483_647) {
    throw new BadRecordError('ttl', 'an integer number of seconds (0-2147483647) is required');
  }
  return Number(ttl);
}
