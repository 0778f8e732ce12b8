export { cleanupAll, pendingCleanups, registerCleanup } from './cleanup.js';
export type { CleanupEntry } from './cleanup.js';
export {
  CommandFailedError,
  LoopbackExhaustedError,
  MciasRequestError,
  ServiceExitedError,
  SocketPathTooLongError,
  SpawnFailedError,
  TeardownError,
  ToolMissingError,
  WaitTimeoutError,
} from './errors.js';
export { run } from './exec.js';
export type { RunOptions } from './exec.js';
export { buildTestImage } from './image.js';
export type { TestImageOptions } from './image.js';
export { allocateLoopbackAddress, freePort } from './net.js';
export { startPodman } from './podman.js';
export type { Podman, PodmanOptions } from './podman.js';
export type { PodmanNetwork, StorageDriver } from './podman-config.js';
export { processAlive, spawnProcess, waitUntilReady } from './process.js';
export type { ExitStatus, SpawnedProcess, SpawnOptions } from './process.js';
export { startRegistry } from './registry.js';
export type { Registry, RegistryOptions } from './registry.js';
export { findTool, requireTools } from './requirements.js';
export type { Tool } from './requirements.js';
export { httpRequest, unixRequest } from './http.js';
export type { HttpResponse, UnixRequest } from './http.js';
export { waitFor, waitForTcp } from './wait.js';
export type { WaitOptions } from './wait.js';
export * from './fleet/index.js';
export { createTestNetwork, OVERLAY_RANGE, type NetnsHost, type TestNetwork } from './netns.js';
export { CA_TOOLS, certificateStem, createTestCa } from './ca.js';
export type { CertificateFiles, IssueOptions, TestCa } from './ca.js';
export { MC_PROXY_BIN, startMcProxy } from './mcproxy/start.js';
export type { McProxy, McProxyOptions } from './mcproxy/start.js';
export { PEBBLE_TOOLS, startPebble } from './pebble.js';
export type { ExternalAccountBinding, Pebble, PebbleOptions } from './pebble.js';
export { freeUdpPort, MCNS_BIN, startMcns } from './mcns/start.js';
export type { Mcns, McnsOptions } from './mcns/start.js';
export type { McnsRecord } from './mcns/records.js';
export { MCIAS_BIN, startMcias } from './mcias/start.js';
export { DEFAULT_SERVICE_ACCOUNTS, startTestSecurity } from './security.js';
export { tlsHandshake, type HandshakeOptions } from './tls-probe.js';
export type { SecurityTables, TestSecurity, TestSecurityOptions, TlsFiles } from './security.js';
export type { Mcias, MciasOptions } from './mcias/start.js';
export type {
  MciasAccounts,
  MciasAccountType,
  MciasHumanAccount,
  MciasRole,
  MciasServiceAccount,
} from './mcias/accounts.js';
export { startSshd, type Sshd, type SshdOptions } from './sshd.js';
