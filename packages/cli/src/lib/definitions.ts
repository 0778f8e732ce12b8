// Finding and parsing the service definition `mcp deploy` sends. Nothing is sent when the
// definition is missing or invalid.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { ServiceSpec } from '@mcp/proto';
import { parseServiceDefinition } from '@mcp/scheduler';

import type { McpConfig } from './config.js';
import { DefinitionNotFoundError, DefinitionUnreadableError, fileErrorReason } from './errors.js';

/** A definition read from disk. */
export interface Definition {
  /** The file it came from, absolute. */
  file: string;
  spec: ServiceSpec;
}

/** True when the argument names a file rather than a service in the services directory. */
export function isDefinitionPath(arg: string): boolean {
  return arg.includes('/') || arg.endsWith('.toml');
}

/** The file for `arg`: the path itself, or `<services_dir>/<arg>.toml`. */
export function definitionFile(arg: string, servicesDir: string): string {
  return isDefinitionPath(arg) ? resolve(arg) : join(servicesDir, `${arg}.toml`);
}

/**
 * Reads and validates the definition for `arg`. Throws DefinitionNotFoundError when there is
 * no such file, DefinitionUnreadableError when it (or services_dir) cannot be read, and
 * DefinitionError (file, field path or line, reason) when it is invalid.
 */
export async function readDefinition(
  arg: string,
  config: Pick<McpConfig, 'file' | 'servicesDir'>,
): Promise<Definition> {
  const file = definitionFile(arg, config.servicesDir);

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw await unreadable(arg, file, config, err);
    }
    const hint = isDefinitionPath(arg)
      ? ''
      : `\nDefinitions are looked up in services_dir (${config.servicesDir}, from ${config.file}); ` +
        'pass a path to use another file.';
    throw new DefinitionNotFoundError(arg, file, hint, { cause: err });
  }

  const spec = parseServiceDefinition(text, file);

  return { file, spec };
}

/** Why a definition cannot be read, naming services_dir when that is what is wrong. */
async function unreadable(
  arg: string,
  file: string,
  config: Pick<McpConfig, 'file' | 'servicesDir'>,
  err: unknown,
): Promise<DefinitionUnreadableError> {
  if ((err as NodeJS.ErrnoException).code === 'ENOTDIR' && !isDefinitionPath(arg)) {
    const dir = await stat(config.servicesDir).catch(() => undefined);
    if (dir && !dir.isDirectory()) {
      const reason = `services_dir (from ${config.file}) is a file, not a directory`;
      return new DefinitionUnreadableError(arg, config.servicesDir, reason, { cause: err });
    }
  }
  return new DefinitionUnreadableError(arg, file, fileErrorReason(err), { cause: err });
}
