// The public surface of @mcp/security: TLS 1.3 credentials, MCIAS tokens, the authorization
// maps and their middleware, rate limits, and what logs must never show.
export {
  AGENT_ACCOUNT_PREFIX,
  agentNode,
  CALLER_TEXT,
  describeIdentity,
  isAllowed,
  MASTER_ACCOUNT,
  type Caller,
} from './callers.js';
export { bearer, type TokenSource } from './client.js';
export { readSecurityConfig, type SecurityConfig } from './config.js';
export {
  LoginRefusedError,
  McIasUnavailableError,
  SecretFileError,
  SecretFileModeError,
  SecurityConfigError,
  TokenRejectedError,
} from './errors.js';
export { RateLimiter, type BucketOptions, type Take } from './limits.js';
export { McIasClient, type LoginResult, type McIasOptions, type TokenAuthority } from './mcias.js';
export { clip } from './clip.js';
export { authorize, type AuthContext, type AuthorizeOptions, type Refusal } from './middleware.js';
export {
  AGENT_SERVICE_POLICY,
  AUTHORIZATION,
  callersOf,
  FLEET_SERVICE_POLICY,
  MASTER_SERVICE_POLICY,
  NOT_SERVED,
} from './policy.js';
export { REDACT_PATHS } from './redact.js';
export { checkSecretFileMode, readPublicFile, readSecretFile } from './secret-file.js';
export { identityMismatch, loadSecurity, secureClient, type Security } from './security.js';
export {
  channelCredentials,
  MIN_TLS_VERSION,
  serverCredentials,
  type ServerTlsFiles,
} from './tls.js';
export { TokenFile } from './token-file.js';
export { MAX_CACHE_MS, TokenValidator, type ValidatorOptions } from './validator.js';
export { GRPC_LOG_LIMIT, scrubGrpcLog, scrubGrpcLogs } from './grpc-log.js';
