import { readFileSync } from 'node:fs';

/**
 * The edge agent's version: `MCP_VERSION` when the build baked one in, otherwise the package's.
 */
export function edgeAgentVersion(): string {
  if (process.env.MCP_VERSION) return process.env.MCP_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
