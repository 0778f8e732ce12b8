// The public surface of @mcp/scheduler: pure planning shared by the master, the agents and the
// CLI. Nothing here does I/O or reads a clock; every input arrives as an argument.
export * from './spec/index.js';

export { admit, assertAdmitted } from './admission.js';
export {
  AmbiguousTargetError,
  DuplicateNodeError,
  DuplicateRouteError,
  InvalidPortRequestError,
  NoFeasibleNodeError,
  NotAdmittedError,
  PortRangeExhaustedError,
  PublicHostnameError,
  SchedulerError,
  UnknownNodeError,
  UnknownTargetError,
  type SchedulerErrorCode,
} from './errors.js';
export { checkPublicHostname, dnsName } from './hostnames.js';
export { DEFAULT_STALE_AFTER_MS, normalizeArch } from './placement/node-view.js';
export { assertPlaced, place, placeEach, type PlaceOptions } from './placement/place.js';
export { withPlacement } from './placement/snapshot.js';
export { allocatePorts, type PortRange } from './ports.js';
export {
  addResources,
  componentResources,
  DEFAULT_RESOURCES,
  emptyResources,
  serviceResources,
} from './resources.js';
export { diffRoutes, routeKey } from './routes.js';
