// A small, real AgentService for the `--direct` tests: a nice-grpc server on 127.0.0.1 port 0
// that keeps one node's services in memory, over TLS 1.3 with the real authorization middleware
// (operators may use the --direct subset; SetupEdgeRoute and the like are for mcp-master).
import {
  AgentServiceDefinition,
  LogStream,
  StepStatus,
  type AgentServiceImplementation,
  type ServiceSpec,
  type ServiceStatus,
  type Step,
} from '@mcp/proto';
import type { Refusal } from '@mcp/security';
import { ServerError, Status } from 'nice-grpc';

import { statusOf, type FakeServerOptions } from './master.js';
import { serveSecured, type TestSecurity } from './security.js';

/** What the fake agent saw. */
export interface FakeAgentState {
  /** The node this agent is. */
  node: string;
  services: Map<string, ServiceStatus>;
  /** Every spec Deploy received, in order. */
  deployed: ServiceSpec[];
  /** Every RPC called, by method name, in order. */
  calls: string[];
  /** Every call the authorization middleware refused. */
  authRefusals: Refusal[];
}

export interface FakeAgent {
  address: string;
  state: FakeAgentState;
  /** The CA, MCIAS and pair it serves with (shared by the test file). */
  security: TestSecurity;
  close(): Promise<void>;
}

function ok(name: string, node: string, detail: string): Step {
  return { name, node, status: StepStatus.STEP_STATUS_OK, detail, error: '' };
}

function implementation(state: FakeAgentState): AgentServiceImplementation {
  const { node } = state;
  const find = (name: string): ServiceStatus => {
    const s = state.services.get(name);
    if (!s) throw new ServerError(Status.NOT_FOUND, `failed to find service '${name}' on ${node}`);
    return s;
  };
  const lifecycle = (name: string, verb: string) => {
    state.calls.push(verb);
    return { steps: [ok(verb, node, `${verb} ${name}`)], service: find(name) };
  };

  return {
    deploy: async ({ spec }) => {
      state.calls.push('deploy');
      if (!spec) throw new ServerError(Status.INVALID_ARGUMENT, 'spec: required');
      state.deployed.push(spec);
      const service = statusOf({ ...spec, node });
      state.services.set(spec.name, service);
      return { steps: [ok('containers', node, 'started 1 container')], service };
    },
    stop: async ({ service }) => lifecycle(service, 'stop'),
    start: async ({ service }) => lifecycle(service, 'start'),
    restart: async ({ service }) => lifecycle(service, 'restart'),
    listRoutes: async () => ({ routes: [] }),
    addRoute: async () => ({ changed: true }),
    removeRoute: async () => ({ removed: false }),
    setupEdgeRoute: async () => {
      throw new ServerError(Status.FAILED_PRECONDITION, `node '${node}' is not an edge node`);
    },
    removeEdgeRoute: async () => ({ removed: false }),
    listEdgeRoutes: async () => ({ routes: [] }),
    undeploy: async ({ service }) => {
      const { steps } = lifecycle(service, 'undeploy');
      state.services.delete(service);
      return { steps };
    },
    status: async ({ service }) => {
      state.calls.push('status');
      const all = [...state.services.values()];
      return { services: service ? all.filter((s) => s.name === service) : all };
    },
    logs: async function* ({ service }) {
      state.calls.push('logs');
      find(service);
      const data = Buffer.from(`${service} on ${node}\n`);
      yield { chunk: { component: service, stream: LogStream.LOG_STREAM_STDOUT, data } };
    },
    healthCheck: async () => ({
      node,
      version: 'v0.3.0',
      runtimeOk: true,
      runtimeVersion: '5.4.2',
      containers: state.services.size,
      rpcs: [],
    }),
  };
}

/** Starts a fake agent for `node` on 127.0.0.1, port 0, over TLS with authorization. */
export async function startFakeAgent(
  node: string,
  options: FakeServerOptions = {},
): Promise<FakeAgent> {
  const state: FakeAgentState = {
    node,
    services: new Map(),
    deployed: [],
    calls: [],
    authRefusals: [],
  };

  const served = await serveSecured(AgentServiceDefinition, implementation(state), {
    refusals: state.authRefusals,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  return { ...served, state };
}
