// Service definitions: TOML text in, a validated ServiceSpec out, or a DefinitionError that
// names the file, the field path (or the line, for TOML syntax) and the reason.
import { RouteMode, type ComponentSpec, type ServiceSpec } from '@mcp/proto';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';

import { DefinitionError } from './errors.js';
import { parseCpu, parseSize } from './quantity.js';
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
    throw new DefinitionError({ file, path: formatPath(issue.path) }, describeIssue(issue));
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
    if (parsed === undefined) {
      const example = field === 'cpu' ? '"250m" or "0.5"' : '"256Mi" or "1G"';
      throw new DefinitionError(
        { file, path: `${at}.resources.${field}` },
        `'${value}' is not a quantity (for example ${example})`,
      );
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

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `required field is missing (${issue.expected})`
        : `expected ${issue.expected}, got ${typeof issue.input}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}`;
    default:
      return issue.message;
  }
}
