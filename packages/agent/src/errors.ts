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

/** A container with the name the agent needs exists but is not the agent's own. */
export class ForeignContainerError extends Error {
  readonly code = 'FOREIGN_CONTAINER';
  constructor(readonly container: string) {
    super(
      `failed to create container '${container}': a container of that name exists and ` +
        'carries no mcp labels of this node; remove or rename it by hand',
    );
    this.name = 'ForeignContainerError';
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
