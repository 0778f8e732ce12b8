// Which nodes are skewed: a version other than the expected one, or an RPC that another node of
// the same kind (compute or edge) implements and this one does not. Peers, not this CLI's
// contract, say what a node should have: the compute and the edge agent implement different sets.
/** What a node reports about its agent. */
export interface AgentReport {
  node: string;
  version: string;
  rpcs: readonly string[];
  edge: boolean;
  /** Why the node could not be asked; the other fields are empty then. */
  error?: string;
}

/** One row of `mcp agent status`. */
export interface AgentVersionRow extends AgentReport {
  /** Empty when the node is in step; otherwise why not. */
  skew: string;
}

/** The expected version: the one given, else the one most nodes report (ties: the first). */
export function expectedVersion(reports: readonly AgentReport[], given?: string): string {
  if (given) return given;
  const counts = new Map<string, number>();
  for (const r of reports) if (r.version) counts.set(r.version, (counts.get(r.version) ?? 0) + 1);
  let best = '';
  for (const [version, n] of counts) if (n > (counts.get(best) ?? 0)) best = version;
  return best;
}

/** Marks each report with its skew against `expected`. */
export function markSkew(reports: readonly AgentReport[], expected: string): AgentVersionRow[] {
  const peers = (edge: boolean): Set<string> =>
    new Set(reports.filter((r) => r.edge === edge).flatMap((r) => r.rpcs));
  const known = { edge: peers(true), compute: peers(false) };
  return reports.map((r) => {
    if (r.error) return { ...r, skew: `not asked: ${r.error}` };
    const why: string[] = [];
    if (r.version !== expected) why.push(`version ${r.version}, expected ${expected}`);
    // A node that reported no RPCs at all (older than the report) is judged by version alone.
    const peerRpcs = r.edge ? known.edge : known.compute;
    const missing = r.rpcs.length === 0 ? [] : [...peerRpcs].filter((rpc) => !r.rpcs.includes(rpc));
    if (missing.length > 0) why.push(`lacks ${missing.map((m) => m.split('/').pop()).join(', ')}`);
    return { ...r, skew: why.join('; ') };
  });
}
