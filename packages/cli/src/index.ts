// The public surface of @mcp/cli, for command plugins (agent, node, route, edge, or an
// operator's own): the base command, config, the master client, definitions and printing.
export { McpCommand, jsonFlag, serviceArg } from './lib/command.js';
export {
  configPath,
  loadConfig,
  parseConfig,
  requireMaster,
  type McpConfig,
  type NodeEntry,
} from './lib/config.js';
export {
  connectMaster,
  DEFAULT_CONNECT_TIMEOUT_MS,
  transportReason,
  type ConnectOptions,
  type MasterClient,
  type MasterConnection,
} from './lib/client.js';
export {
  definitionFile,
  isDefinitionPath,
  readDefinition,
  type Definition,
} from './lib/definitions.js';
export {
  CliError,
  ConfigError,
  ConfigNotFoundError,
  DefinitionNotFoundError,
  isAbortError,
  MasterCallError,
  MasterUnreachableError,
  type CliErrorCode,
  type ConfigSource,
} from './lib/errors.js';
export { interruption, writeChunk, type LogSink } from './lib/output.js';
export {
  anyFailed,
  formatAddress,
  formatDuration,
  formatJson,
  formatNodeErrors,
  formatOutcome,
  formatPorts,
  formatService,
  formatServices,
  formatSteps,
  formatUptime,
  stepResult,
  table,
} from './lib/print.js';
