// The public surface of @mcp/edge-agent: the trimmed agent of the edge node.
export { ConfigError, loadEdgeConfig, type EdgeConfig } from './config.js';
export { edgeNodeInfo, edgeUsage } from './fleet.js';
export { startEdgeAgent, type EdgeAgentOptions, type RunningEdgeAgent } from './main.js';
export { checkBackend, systemResolve, type Resolve } from './backend.js';
export { InvalidEdgeRouteError } from './errors.js';
export { STATE_FILE, StateFileError } from './state.js';
export { EDGE_RPCS, edgeAgentService, notOnEdge, serveEdgeAgent } from './server.js';
export { main } from './cli.js';
export { edgeAgentVersion } from './version.js';
