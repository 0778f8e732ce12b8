// A second entry point, `@mcp/scheduler/routing`: route tables and public hostnames only, so a
// process that needs nothing else (the edge agent, the mc-proxy adapter) does not load the
// service definition parser and its schema library (zod adds about 8 MiB of resident memory).
export { DuplicateRouteError, PublicHostnameError, SchedulerError } from './errors.js';
export { checkPublicHostname, dnsName } from './hostnames.js';
export { diffRoutes, routeKey } from './routes.js';
export { DNS_LABEL } from './spec/rules.js';
