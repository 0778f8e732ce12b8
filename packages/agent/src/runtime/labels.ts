/** Labels the agent writes on every container it owns; it touches no container without them. */
export const LABELS = {
  managed: 'mcp.managed',
  node: 'mcp.node',
  service: 'mcp.service',
  component: 'mcp.component',
  /** SHA-256 of the create options: equal hashes mean the container needs no recreate. */
  configHash: 'mcp.config-hash',
} as const;

/** Container name of a component: `<service>-<component>`, or the service name when equal. */
export function containerName(service: string, component: string): string {
  return service === component ? service : `${service}-${component}`;
}
