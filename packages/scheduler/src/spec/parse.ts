// Service definitions: TOML text in, a validated ServiceSpec out, or a DefinitionError that
// names the file, the field path (or the line, for TOML syntax) and the reason.
import { RouteMode, type ComponentSpec, type ServiceSpec } from '@mcp/proto';
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import type { z } from 'zod';

import { DefinitionError } from './errors.js';
import {
  formatCpu,
  formatSize,
  MAX_CPU_MILLIS,
  MAX_SIZE_BYTES,
  parseCpu,
  parseSize,
} from './quantity.js';
import { checkServiceSpec } from './rules.js';
import { definitionSchema, type DefinitionFile } from './schema.js';

/** File name used in errors for definitions that did not come from a file. */
export const WIRE_FILE = '<request>';

/**
 * Parses and validates a service definition.
 * @param text TOML source.
 * @param file Name used in error messages.
 * @throws DefinitionError for malformed TOML, a wrong shape or a broken rule.
 */
export function parseServiceDefinition(text: string, file: string): ServiceSpec {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = (err.message.split('\n')[0] ?? err.message).replace(
        /^Invalid TOML document: /,
        '',
      );
      throw new DefinitionError({ file, path: '', line: err.line }, reason, { cause: err });
    }
    throw err;
  }

  const shaped = definitionSchema.safeParse(raw);
  if (!shaped.success) {
    const issue = shaped.error.issues[0] as z.core.$ZodIssue;
    const reason = describeIssue(issue, raw);
    throw new DefinitionError({ file, path: formatPath(issue.path) }, reason);
  }

  const spec = toSpec(shaped.data, file);
  validateServiceSpec(spec, file);
  return spec;
}

/**
 * Checks a ServiceSpec that arrived over the wire with the same rules as a file.
 * @throws DefinitionError naming the first broken rule.
 */
export function validateServiceSpec(spec: ServiceSpec, file: string = WIRE_FILE): void {
  const first = checkServiceSpec(spec)[0];
  if (first) throw new DefinitionError({ file, path: first.path }, first.reason);
}

function toSpec(d: DefinitionFile, file: string): ServiceSpec {
  return {
    name: d.name,
    node: d.node ?? '',
    active: d.active ?? true,
    path: d.path ?? '',
    buildImages: d.build?.images ?? {},
    components: d.components.map((c, i) => toComponent(c, `components[${i}]`, file)),
  };
}

function toComponent(
  c: DefinitionFile['components'][number],
  at: string,
  file: string,
): ComponentSpec {
  const res = c.resources ?? {};
  const quantity = (field: 'cpu' | 'memory' | 'disk'): number => {
    const value = res[field];
    if (value === undefined) return 0;
    const parsed = field === 'cpu' ? parseCpu(value) : parseSize(value);
    const path = `${at}.resources.${field}`;
    if (parsed === undefined) {
      const example = field === 'cpu' ? '"250m" or "0.5"' : '"256Mi" or "1G"';
      throw new DefinitionError(
        { file, path },
        `'${value}' is not a quantity (for example ${example})`,
      );
    }

    // Past these a request is a typing mistake, and could not be sent as a uint64 anyway.
    const max = field === 'cpu' ? MAX_CPU_MILLIS : MAX_SIZE_BYTES;
    if (parsed > max) {
      const most = field === 'cpu' ? `${formatCpu(max)} cores` : formatSize(max);
      throw new DefinitionError({ file, path }, `'${value}' is too large (at most ${most})`);
    }
    return parsed;
  };

  return {
    name: c.name,
    image: c.image,
    volumes: c.volumes ?? [],
    cmd: c.cmd ?? [],
    env: c.env ?? [],
    network: c.network ?? '',
    user: c.user ?? '',
    restart: c.restart ?? '',
    arch: c.arch ?? [],
    resources: {
      cpuMillis: quantity('cpu'),
      memoryBytes: quantity('memory'),
      diskBytes: quantity('disk'),
    },
    routes: (c.routes ?? []).map((r) => ({
      name: r.name ?? '',
      port: r.port,
      mode: r.mode === 'l7' ? RouteMode.ROUTE_MODE_L7 : RouteMode.ROUTE_MODE_L4,
      hostname: r.hostname ?? '',
      public: r.public ?? false,
    })),
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** Zod's names for the types a definition uses, as TOML names them. */
const TOML_TYPES: Readonly<Record<string, string>> = {
  int: 'integer',
  object: 'table',
  record: 'table',
};

/**
 * Why a value has the wrong shape. Zod 4 leaves the input off its issues unless asked, so the
 * value is looked up in the parsed TOML by the issue's path: absent is missing, else its type.
 */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const found = lookup(raw, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TOML_TYPES[issue.expected] ?? issue.expected;
      if (!found.present) return `required field is missing (${expected})`;
      return `expected ${expected}, got ${tomlType(found.value)}`;
    }
    case 'invalid_union':
      // The union's own error text says which forms it accepts.
      return `expected ${issue.message}, got ${tomlType(found.value)}`;
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `'${k}'`).join(', ');
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}`;
    default:
      return issue.message;
  }
}

/** The value at a path in parsed TOML, and whether it is there at all. */
function lookup(raw: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let value = raw;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) {
      return { present: false, value: undefined };
    }
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value };
}

/** A parsed TOML value's type, in TOML's words. */
function tomlType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value instanceof TomlDate) return 'date-time';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) return `float (${value})`;
      return Number.isInteger(value) ? 'integer' : 'float';
    case 'bigint':
      return 'integer';
    case 'object':
      return 'table';
    default:
      return typeof value;
  }
}
