// The public surface of @mcp/cli, for command plugins (agent, node, route, edge, or an
// operator's own): the base command, config, the master and agent clients, definitions and
// printing.
export {
  McpCommand,
  directFlag,
  directNodeFlag,
  jsonFlag,
  serviceArg,
  type TargetFlags,
} from './lib/command.js';
export {
  configPath,
  loadConfig,
  parseConfig,
  requireCaFile,
  requireMaster,
  requireMcias,
  type McIasEntry,
  type McpConfig,
  type NodeEntry,
} from './lib/config.js';
export { loadCredentials, type Credentials } from './lib/credentials.js';
export {
  CaFileError,
  LoginAbortedError,
  LoginFailedError,
  LoginInputError,
  TokenFileError,
  TokenWriteError,
} from './lib/auth-errors.js';
export { logIn, type LoginOutcome } from './lib/login.js';
export { removeTokenFile, writeTokenFile } from './lib/token-store.js';
export {
  connectMaster,
  type ConnectOptions,
  type MasterClient,
  type MasterConnection,
} from './lib/client.js';
export { connectAgent, type AgentClient, type AgentConnection } from './lib/agent-client.js';
export {
  certificateReason,
  DEFAULT_CONNECT_TIMEOUT_MS,
  transportReason,
  type Connection,
} from './lib/transport.js';
export { agentTarget, masterTarget, type ServiceTarget } from './lib/target.js';
export {
  definitionFile,
  isDefinitionPath,
  readDefinition,
  type Definition,
} from './lib/definitions.js';
export {
  AgentCallError,
  AgentUnreachableError,
  CliError,
  ConfigError,
  ConfigNotFoundError,
  DefinitionNotFoundError,
  DIRECT_COMMANDS,
  DirectNodeError,
  isAbortError,
  MasterCallError,
  MasterUnreachableError,
  ServiceNotFoundError,
  type CliErrorCode,
  type ConfigSource,
  type DirectHint,
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
  routeMode,
  serviceJson,
  stepResult,
  table,
} from './lib/print.js';
export { formatPlacement, formatPlacementMode, formatResources } from './lib/print-placement.js';
export {
  DEFAULT_RESTART_COMMAND,
  onNode,
  privileged,
  type NodeCredentialFiles,
  type NodeSsh,
} from './lib/node-config.js';
export {
  AgentVersionSkewError,
  ArtifactMissingError,
  NodeNotConfiguredError,
  ProvisionCredentialsError,
  UpgradeFailedError,
  UpgradeRolledBackError,
} from './lib/node-errors.js';
export { openSession, quote, SSH_READY_TIMEOUT_MS, type NodeSession } from './lib/ssh/session.js';
export {
  HostKeyChangedError,
  HostKeyUnknownError,
  RemoteCommandError,
  SshError,
} from './lib/ssh/errors.js';
export { fingerprint, knownKeys } from './lib/ssh/known-hosts.js';
export { artifactFor, installArtifact, LIVE_BINARY, type LocalArtifact } from './lib/artifacts.js';
export {
  askVersion,
  describeAnswer,
  waitForVersion,
  type VersionAnswer,
} from './lib/agent-version.js';
export { selectNodes, type SshNode } from './lib/select-nodes.js';
