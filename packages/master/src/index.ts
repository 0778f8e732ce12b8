export { Agents } from './agents.js';
export { systemClock, type Clock } from './clock.js';
export { loadMasterConfig, ConfigError, type AuthConfig, type MasterConfig } from './config.js';
export { type DeployOutcome } from './deploy.js';
export { HealthMonitor, type HealthOptions } from './health.js';
export { Master, type MasterOutcome } from './master.js';
export { runMaster, startMaster, type MasterOptions, type RunningMaster } from './main.js';
export { NodeRegistry, type NodeRecord, type RegistryOptions } from './registry.js';
export { serveMaster } from './server.js';
