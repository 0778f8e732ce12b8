/** Labels the agent writes on every container it owns; it touches no container without them. */
export const LABELS = {
  managed: 'mcp.managed',
  node: 'mcp.node',
  service: 'mcp.service',
  component: 'mcp.component',
  /** SHA-256 of the create options: equal hashes mean the container needs no recreate. */
  configHash: 'mcp.config-hash',
} as const;

/**
 * Container name of a component: `<service>_<component>`, or the service name when equal.
 * Service and component names are DNS labels, which never hold `_`, so no two pairs share a name.
 */
export function containerName(service: string, component: string): string {
  return service === component ? service : `${service}_${component}`;
}

/** Ends the name of an old container set aside while its replacement starts. */
export const ASIDE_SUFFIX = '.previous';

/** The name an old container carries while a redeploy replaces it. */
export function asideName(name: string): string {
  return name.endsWith(ASIDE_SUFFIX) ? name : `${name}${ASIDE_SUFFIX}`;
}
