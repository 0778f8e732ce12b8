// A tiny real agent for the master's tests: a nice-grpc AgentService on 127.0.0.1 that keeps
// services in memory, and the membership calls (Register, Heartbeat) an agent makes. Not a mock
// library: the master talks to it over the network like to the real agent, over TLS 1.3 with
// MCIAS tokens: it serves with authorize() and registers as `agent-<name>`.
import {
  AgentServiceDefinition,
  FleetServiceDefinition,
  NodeRole,
  StepStatus,
  type AgentServiceImplementation,
  type EdgeRoute,
  type FleetServiceClient,
  type HeartbeatResponse,
  type NodeInfo,
  type NodeUsage,
  type Resources,
  type ServiceSpec,
  type ServiceStatus,
} from '@mcp/proto';
import { serviceResources } from '@mcp/scheduler';
import {
  authorize,
  loadSecurity,
  secureClient,
  type AuthContext,
  type Security,
} from '@mcp/security';
import { createServer, ServerError, Status, type CallContext, type Server } from 'nice-grpc';

import { agentAccount, testSecurity } from './security.js';

const GI = 2 ** 30;

/** How a fake agent looks to the master. */
export interface FakeAgentOptions {
  name: string;
  /** Default: compute. */
  roles?: NodeRole[];
  pools?: string[];
  /** Default amd64. */
  arch?: string;
  /** Default 4000 millicores, 4 GiB memory, 100 GiB disk. */
  capacity?: Partial<Resources>;
  /** Milliseconds each Deploy takes. Default 0. */
  deployDelayMs?: number;
  /** Where calls are recorded as `<node>:<method>:<service>`, shared between agents. */
  events?: string[];
  /** First host port given to a service's routes (one per route, in order). Default 20000. */
  portBase?: number;
  /** The node's own (overlay) address it reports, `NodeInfo.address`. Default 127.0.0.1. */
  address?: string;
}

export class FakeAgent {
  readonly services = new Map<string, ServiceSpec>();
  readonly events: string[];
  /** While true, HealthCheck and Status never answer (a node cut off, not stopped). */
  hang = false;
  /** Deploy answers a FAILED pull step and changes nothing, as a missing image does. */
  failDeploy = false;
  healthChecks = 0;
  /** Who called each AgentService method, as `<method>:<username>`. */
  readonly callers: string[] = [];
  private server: Server | undefined;
  private constructor(
    readonly options: FakeAgentOptions,
    public port: number,
    /** Its `agent-<name>` token, TLS pair and token validator. */
    readonly security: Security,
  ) {
    this.events = options.events ?? [];
  }

  static async start(options: FakeAgentOptions): Promise<FakeAgent> {
    const config = await (await testSecurity()).config(agentAccount(options.name));
    const agent = new FakeAgent(options, 0, loadSecurity(config));
    await agent.listen();
    return agent;
  }

  get name(): string {
    return this.options.name;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get edge(): boolean {
    return this.options.roles?.includes(NodeRole.NODE_ROLE_EDGE) ?? false;
  }

  /** Stops answering: the port refuses connections. */
  async stop(): Promise<void> {
    this.server?.forceShutdown();
    this.server = undefined;
    await Promise.resolve();
  }

  /** Answers again on the same port. */
  async listen(): Promise<void> {
    const callers = this.callers;
    const server = createServer()
      .use(authorize({ validator: this.security.validator }))
      .use(async function* who(call, context: CallContext & AuthContext) {
        callers.push(`${call.method.path.split('/').pop() ?? ''}:${context.identity.username}`);
        return yield* call.next(call.request, context);
      });
    server.add(AgentServiceDefinition, this.implementation());
    this.port = await server.listen(`127.0.0.1:${this.port}`, this.security.server);
    this.server = server;
  }

  info(): NodeInfo {
    const methods = this.edge ? ['HealthCheck'] : ['HealthCheck', 'Status', 'Deploy', 'Undeploy'];
    return {
      name: this.name,
      roles: this.options.roles ?? [NodeRole.NODE_ROLE_COMPUTE],
      address: this.options.address ?? '127.0.0.1',
      agentAddress: this.address,
      arch: this.options.arch ?? 'amd64',
      os: 'debian',
      pools: this.options.pools ?? [],
      version: 'test',
      rpcs: methods.map((m) => `${AgentServiceDefinition.fullName}/${m}`),
      capacity: this.capacity(),
      reserved: { cpuMillis: 0, memoryBytes: 0, diskBytes: 0 },
    };
  }

  /** Free is capacity less what the services here asked for. */
  usage(): NodeUsage {
    const cap = this.capacity();
    const free = { ...cap };
    const services = [...this.services.values()].map((spec) => {
      const resources = serviceResources(spec);
      free.cpuMillis -= resources.cpuMillis;
      free.memoryBytes -= resources.memoryBytes;
      free.diskBytes -= resources.diskBytes;
      return { service: spec.name, resources };
    });
    return { free, containers: this.services.size, services, measuredAtMs: Date.now() };
  }

  /** Registers with the master as `agent-<name>`, as the membership loop does at start. */
  async register(master: string, info: NodeInfo = this.info()): Promise<number> {
    return this.withFleet(master, async (fleet) => {
      const out = await fleet.register({ node: info, usage: this.usage() });
      return out.heartbeatIntervalMs;
    });
  }

  /** Sends one heartbeat as `agent-<name>`; registers again when the master asks. */
  async heartbeat(master: string, node = this.name): Promise<HeartbeatResponse> {
    const out = await this.withFleet(master, (fleet) =>
      fleet.heartbeat({ node, usage: this.usage() }),
    );
    if (out.registerAgain) await this.register(master);
    return out;
  }

  /** One channel to the master's FleetService with this agent's token, closed after `work`. */
  async withFleet<T>(master: string, work: (fleet: FleetServiceClient) => Promise<T>): Promise<T> {
    const { channel, token } = this.security;
    const { client, channel: open } = secureClient(FleetServiceDefinition, master, channel, token);
    try {
      return await work(client);
    } finally {
      open.close();
    }
  }

  /** Edge routes an edge fake holds, by `<listener port> <hostname>`. */
  readonly edgeRoutes = new Map<string, EdgeRoute>();

  private capacity(): Resources {
    const c = this.options.capacity ?? {};
    return {
      cpuMillis: c.cpuMillis ?? 4000,
      memoryBytes: c.memoryBytes ?? 4 * GI,
      diskBytes: c.diskBytes ?? 100 * GI,
    };
  }

  private status(spec: ServiceSpec): ServiceStatus {
    let port = this.options.portBase ?? 20000;
    const components = spec.components.map((c) => ({
      name: c.name,
      image: c.image,
      version: '',
      containerId: `${this.name}-${c.name}`,
      state: 'running',
      restartCount: 0,
      startedAtMs: 0,
      ports: c.routes.map((r) => ({
        route: r.name,
        hostIp: '127.0.0.1',
        hostPort: port++,
        listenerPort: r.port,
        mode: r.mode,
        hostname: r.hostname,
        public: r.public,
        proxyHostname: r.hostname,
        tlsNotAfterMs: 0,
      })),
    }));
    return { name: spec.name, node: this.name, active: true, components, deployedAtMs: 0 };
  }

  private find(service: string): ServiceSpec {
    const spec = this.services.get(service);
    if (!spec) throw new ServerError(Status.NOT_FOUND, `no service '${service}'`);
    return spec;
  }

  private implementation(): AgentServiceImplementation<AuthContext> {
    const ok = (name: string, detail: string) => ({
      name,
      status: StepStatus.STEP_STATUS_OK,
      detail,
      error: '',
      node: this.name,
    });
    const never = (signal: AbortSignal) =>
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () =>
          reject(new ServerError(Status.CANCELLED, 'the caller gave up')),
        ),
      );
    const record = (method: string, service: string) =>
      this.events.push(`${this.name}:${method}:${service}`);

    return {
      healthCheck: async (_req, ctx) => {
        this.healthChecks++;
        if (this.hang) await never(ctx.signal);
        const rpcs = this.info().rpcs;
        return {
          node: this.name,
          version: 'test',
          runtimeOk: true,
          runtimeVersion: '',
          containers: this.services.size,
          rpcs,
        };
      },
      status: async (req, ctx) => {
        if (this.edge) throw new ServerError(Status.UNIMPLEMENTED, 'edge node');
        if (this.hang) await never(ctx.signal);
        if (req.service) return { services: [this.status(this.find(req.service))] };
        return { services: [...this.services.values()].map((s) => this.status(s)) };
      },
      deploy: async (req) => {
        const spec = req.spec;
        if (!spec || this.edge) throw new ServerError(Status.FAILED_PRECONDITION, 'no');
        record('deploy', spec.name);
        await new Promise((r) => setTimeout(r, this.options.deployDelayMs ?? 0));
        if (this.failDeploy) {
          const pull = { ...ok('pull', ''), status: StepStatus.STEP_STATUS_FAILED, error: 'gone' };
          return { steps: [pull], service: undefined };
        }
        this.services.set(spec.name, spec);
        return { steps: [ok('containers', 'started')], service: this.status(spec) };
      },
      undeploy: (req) => {
        this.find(req.service);
        record('undeploy', req.service);
        this.services.delete(req.service);
        return Promise.resolve({ steps: [ok('containers', 'removed')] });
      },
      stop: (req) => Promise.resolve({ steps: [], service: this.status(this.find(req.service)) }),
      start: (req) => Promise.resolve({ steps: [], service: this.status(this.find(req.service)) }),
      restart: (req) =>
        Promise.resolve({ steps: [], service: this.status(this.find(req.service)) }),
      // eslint-disable-next-line require-yield
      logs: async function* () {
        return;
      },
      listRoutes: async () => ({ routes: [] }),
      addRoute: async () => ({ changed: true }),
      removeRoute: async () => ({ removed: false }),
      setupEdgeRoute: async (req) => {
        const route = req.route;
        if (!route || !this.edge) throw new ServerError(Status.FAILED_PRECONDITION, 'no');
        record('setupEdgeRoute', `${route.hostname}=${route.backend}`);
        const key = `${route.listenerPort} ${route.hostname}`;
        const change = this.edgeRoutes.has(key) ? 'updated' : 'added';
        this.edgeRoutes.set(key, route);
        return { route, change };
      },
      removeEdgeRoute: async (req) => {
        record('removeEdgeRoute', req.hostname);
        return { removed: this.edgeRoutes.delete(`${req.listenerPort} ${req.hostname}`) };
      },
      listEdgeRoutes: async () => ({ routes: [...this.edgeRoutes.values()] }),
    };
  }
}
