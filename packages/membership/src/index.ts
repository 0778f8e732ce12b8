// The public surface of @mcp/membership: the agent side of fleet membership, shared by the
// compute agent and the edge agent.
export { backoffDelay, DEFAULT_BACKOFF, jitterInterval, type BackoffOptions } from './backoff.js';
export { fleetChannel } from './channel.js';
export { DeadlineError } from './failure.js';
export { measureNode, type MeasureOptions, type NodeMeasure } from './measure.js';
export { startMembership, type Membership, type MembershipOptions } from './membership.js';
export { nodeArch, nodeOs } from './platform.js';
