// The public surface of @mcp/proto: every generated message, enum and service definition.
// Generated files are never edited by hand; run `pnpm --filter @mcp/proto generate`.
export * from './gen/mcp/v1/service.js';
export * from './gen/mcp/v1/status.js';
export * from './gen/mcp/v1/agent.js';
export * from './gen/mcp/v1/master.js';
export * from './gen/mcp/v1/fleet.js';
export * from './gen/mcp/v1/scheduler.js';
export * from './gen/mcp/v1/edge.js';
export * from './gen/mcp/v1/identity.js';

// mc-proxy's admin contract, a package of its own: its names (Route, RouteMode) would clash.
export * as mcproxy from './gen/mcproxy/v1/admin.js';

// Each generated service file declares this helper type; name one to settle the ambiguity.
export type { ServerStreamingMethodResult } from './gen/mcp/v1/agent.js';
