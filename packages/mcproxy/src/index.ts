// @mcp/mcproxy: the adapter to mc-proxy's admin API and route-table sync.
export { ProxyClient } from './client.js';
export { ProxyUnavailableError, RouteRefusedError } from './errors.js';
export { isEmptyDiff, syncRoutes, type SyncOptions } from './sync.js';
export { CertificateMissingError, findCertificate, type CertificatePair } from './certificates.js';
export { AcmeCertificates, type AcmeOptions, type IssuedPair } from './acme.js';
export { CertificateOrderError, CertificateRenewalError } from './acme-errors.js';
export type { ChallengeSolver } from './acme-order.js';
export { certificatePaths, readNotAfter, readUsableNotAfter } from './cert-files.js';
export {
  AcmeKeyFileError,
  acmeCertificates,
  mcnsDns01Solver,
  type AcmeSettings,
} from './acme-config.js';
export type { Dns01RecordError, McnsDns01Options, McnsDns01Solver } from './dns01.js';
