export { loadMasterConfig, ConfigError, type MasterConfig, type NodeEntry } from './config.js';
export { Master, type MasterOutcome } from './master.js';
export { startMaster, type RunningMaster } from './main.js';
export { serveMaster } from './server.js';
