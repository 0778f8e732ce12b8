// The stand-in's records, per zone, in one JSON file (temporary file, then rename), so they
// survive a restart of the program.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

import { inZone, type McnsRecord, type RecordInput } from './records.js';

interface StoreFile {
  zones: Record<string, McnsRecord[]>;
}

/** A POST of a record identical to one the zone holds. */
export class DuplicateRecordError extends Error {
  readonly code = 'DUPLICATE_RECORD';
  constructor(readonly existing: McnsRecord) {
    super(`record ${existing.name} ${existing.type} ${existing.value} exists (id ${existing.id})`);
    this.name = 'DuplicateRecordError';
  }
}

export class RecordStore {
  private readonly zones = new Map<string, McnsRecord[]>();

  constructor(
    private readonly file: string,
    zones: readonly string[],
  ) {
    const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StoreFile) : null;
    for (const zone of zones) this.zones.set(zone, saved?.zones[zone] ?? []);
  }

  /** Whether the zone is served. */
  has(zone: string): boolean {
    return this.zones.has(zone);
  }

  /** The zone's records, sorted by name, type, value; optionally one name and type only. */
  list(zone: string, filter: { name?: string; type?: string } = {}): McnsRecord[] {
    return (this.zones.get(zone) ?? [])
      .filter((r) => filter.name === undefined || r.name === filter.name)
      .filter((r) => filter.type === undefined || r.type === filter.type)
      .sort(
        (a, b) =>
          a.name.localeCompare(b.name) ||
          a.type.localeCompare(b.type) ||
          a.value.localeCompare(b.value),
      );
  }

  /** Adds a record; DuplicateRecordError when the same name, type and value is there. */
  create(zone: string, input: RecordInput): McnsRecord {
    const records = this.records(zone);
    const same = records.find(
      (r) => r.name === input.name && r.type === input.type && r.value === input.value,
    );
    if (same) throw new DuplicateRecordError(same);

    const record = { id: randomUUID(), ...input };
    records.push(record);
    this.save();
    return record;
  }

  /** Replaces a record by id; undefined when there is none. */
  replace(zone: string, id: string, input: RecordInput): McnsRecord | undefined {
    const records = this.records(zone);
    const at = records.findIndex((r) => r.id === id);
    if (at < 0) return undefined;

    const record = { id, ...input };
    records[at] = record;
    this.save();
    return record;
  }

  /** Removes a record by id; false when there was none. */
  remove(zone: string, id: string): boolean {
    const records = this.records(zone);
    const at = records.findIndex((r) => r.id === id);
    if (at < 0) return false;

    records.splice(at, 1);
    this.save();
    return true;
  }

  /** The zone that holds `name` (the longest match), if any. */
  zoneOf(name: string): string | undefined {
    let best: string | undefined;
    for (const zone of this.zones.keys()) {
      if (inZone(name, zone) && (best === undefined || zone.length > best.length)) best = zone;
    }
    return best;
  }

  private records(zone: string): McnsRecord[] {
    const records = this.zones.get(zone);
    if (!records) throw new Error(`zone '${zone}' is not served`);
    return records;
  }

  private save(): void {
    const data: StoreFile = { zones: Object.fromEntries(this.zones) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
    renameSync(tmp, this.file);
  }
}
