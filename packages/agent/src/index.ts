export { Agent, type Outcome } from './agent.js';
export { loadAgentConfig, ConfigError, type AgentConfig, type AgentRole } from './config.js';
export { main } from './cli.js';
export { openRegistry, useRegistryAssets, type RegistryAssets } from './db/index.js';
export { startAgent, type RunningAgent } from './main.js';
export { IMPLEMENTED_RPCS, serveAgent } from './server.js';
export { agentVersion } from './version.js';
