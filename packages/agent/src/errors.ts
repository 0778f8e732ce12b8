/** An operation named a service this node does not run. */
export class ServiceNotFoundError extends Error {
  readonly code = 'SERVICE_NOT_FOUND';
  constructor(
    readonly service: string,
    readonly node: string,
  ) {
    super(`failed to find service '${service}': not deployed on node '${node}'`);
    this.name = 'ServiceNotFoundError';
  }
}

/**
 * A container with the name the agent needs exists but is not this service's own. `owner` is
 * the service of this node it belongs to; undefined when it carries no mcp labels of this node.
 */
export class ForeignContainerError extends Error {
  readonly code = 'FOREIGN_CONTAINER';
  constructor(
    readonly container: string,
    readonly owner?: string,
  ) {
    super(
      owner === undefined
        ? `failed to create container '${container}': a container of that name exists and ` +
            'carries no mcp labels of this node; remove or rename it by hand'
        : `failed to create container '${container}': a container of that name belongs to ` +
            `service '${owner}' on this node; undeploy '${owner}' or rename one of the services`,
    );
    this.name = 'ForeignContainerError';
  }
}

/** The container recorded for a component no longer exists in the runtime. */
export class ContainerMissingError extends Error {
  readonly code = 'CONTAINER_MISSING';
  constructor(
    readonly action: string,
    readonly service: string,
    readonly component: string,
    readonly container: string,
  ) {
    super(
      `failed to ${action} component '${component}' of service '${service}': its container ` +
        `'${container}' no longer exists; \`mcp deploy ${service}\` recreates it`,
    );
    this.name = 'ContainerMissingError';
  }
}

/** The node's port range has no room for the routes of a deploy. */
export class PortsExhaustedError extends Error {
  readonly code = 'PORTS_EXHAUSTED';
  constructor(
    readonly service: string,
    reason: string,
  ) {
    super(`failed to assign ports to service '${service}': ${reason}`);
    this.name = 'PortsExhaustedError';
  }
}

/** A host port could not be checked, because the node's address cannot be bound at all. */
export class PortCheckError extends Error {
  readonly code = 'PORT_CHECK';
  constructor(
    readonly address: string,
    readonly port: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to check host port '${address}:${port}': ${reason}`, options);
    this.name = 'PortCheckError';
  }
}

/** A route RPC reached a node whose config names no mc-proxy. */
export class NoProxyError extends Error {
  readonly code = 'NO_PROXY';
  constructor(readonly node: string) {
    super(`node '${node}' has no mc-proxy configured (proxy_socket)`);
    this.name = 'NoProxyError';
  }
}

/** A route given to AddRoute or RemoveRoute breaks a rule; `field` names the field. */
export class InvalidRouteError extends Error {
  readonly code = 'INVALID_ROUTE';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidRouteError';
  }
}

/** The node's mc-proxy did not take a service's routes; `then` says what happens next. */
export class RouteSyncError extends Error {
  readonly code = 'ROUTE_SYNC';
  constructor(
    readonly action: 'register' | 'release' | 'restore',
    readonly service: string,
    then: string,
    options: { cause: unknown },
  ) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`failed to ${action} routes of service '${service}': ${why}; ${then}`, options);
    this.name = 'RouteSyncError';
  }
}
