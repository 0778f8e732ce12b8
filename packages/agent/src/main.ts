// mcp-agent: load the config, open the registry, check the runtime, serve, and stop cleanly.
import { loadSecurity, REDACT_PATHS, scrubGrpcLogs } from '@mcp/security';
import { pino } from 'pino';

import { Agent } from './agent.js';
import { startBoot, type BootRun } from './boot.js';
import { loadAgentConfig } from './config.js';
import { openRegistry } from './db/index.js';
import { reconcile } from './reconcile.js';
import { startRouteKeeper } from './route-keeper.js';
import { Store } from './db/store.js';
import { boundAddress, joinFleet } from './fleet.js';
import { Runtime } from './runtime/runtime.js';
import { serveAgent } from './server.js';
import { agentVersion } from './version.js';

export interface RunningAgent {
  agent: Agent;
  port: number;
  /** The boot stages of the config, run in the background once serving. */
  boot: BootRun;
  close(): Promise<void>;
}

/** Starts an agent from a config file. */
export async function startAgent(configFile: string): Promise<RunningAgent> {
  const config = loadAgentConfig(configFile);
  const log = pino({
    level: config.logLevel,
    redact: [...REDACT_PATHS],
    base: { node: config.name },
  });
  // grpc-js's own stderr lines can echo a header value: scrubbed and cut before any call.
  scrubGrpcLogs();

  // Keys, certificates and the token file are read now: a bad one stops the agent at start.
  const security = loadSecurity(config.security);
  const db = openRegistry(config.stateDir);
  const runtime = new Runtime(config.runtimeSocket, config.name);
  const version = agentVersion();

  const agent = new Agent(config, runtime, new Store(db), log);
  try {
    log.info({ runtime: await runtime.version() }, 'container runtime answered');
    await reconcile(agent);
  } catch (err) {
    log.warn(
      { err, socket: config.runtimeSocket },
      'container runtime did not answer or could not be reconciled; serving anyway',
    );
  }

  const { server, port } = await serveAgent(agent, version, config.listen, security);
  log.info(
    { listen: config.listen, port, version, services: agent.store.list().length },
    'agent started',
  );

  // Boot stages in the background: the server already answers while they start services.
  const boot = startBoot(agent, config.bootStages ?? []);

  // Keep the routes on the node's proxy, master or not.
  const keeper = agent.proxy
    ? startRouteKeeper(() => agent.keepRoutes(), config.heartbeatIntervalMs, log)
    : undefined;
  if (!agent.proxy) log.info('no mc-proxy configured (proxy_socket); registering no routes');

  // Join the fleet once serving, so the master's first probe finds the agent answering.
  const address = boundAddress(config.listen, port);
  const membership = joinFleet(agent, version, address, security, log);
  if (!membership) log.info('no master configured; running standalone');

  return {
    agent,
    port,
    boot,
    async close() {
      await boot.stop();
      await membership?.stop();
      await keeper?.stop();
      await server.shutdown();
      agent.close();
      db.$client.close();
      log.info('agent stopped');
    },
  };
}
