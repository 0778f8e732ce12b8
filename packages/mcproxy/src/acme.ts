// Certificates through ACME (acme-client, external account binding), kept as the pairs
// `findCertificate` and mc-proxy read: `<cert_dir>/<hostname>.crt|.key`.
import { readdir } from 'node:fs/promises';

import {
  certificatePaths,
  normalHostname,
  readNotAfter,
  readUsableNotAfter,
  writePair,
} from './cert-files.js';
import type { CertificatePair } from './certificates.js';
import { CertificateOrderError, CertificateRenewalError } from './acme-errors.js';
import { orderCertificate, type ChallengeSolver } from './acme-order.js';

/** Options of `AcmeCertificates`. */
export interface AcmeOptions {
  /** Where the pairs live (`<certDir>/<hostname>.crt|.key`); created when absent. */
  readonly certDir: string;
  /** The ACME server's directory URL. */
  readonly directoryUrl: string;
  /** PEM file of the CA(s) trusted for the ACME server's own TLS. Default: Node's roots. */
  readonly caFile?: string;
  /** External account binding (key id and base64url HMAC key). Default: none. */
  readonly eab?: { readonly kid: string; readonly hmacKey: string };
  /** Contact address of the ACME account. Default: none. */
  readonly email?: string;
  /** A pair expiring within this many ms is renewed. Default: 30 days. */
  readonly renewBeforeMs?: number;
  /** The account's private key (PEM); made (P-256, mode 0600) when absent. */
  readonly accountKeyPath: string;
  /**
   * Provisions challenges (dns-01 through MCNS, or http-01 where port 80 reaches this node).
   * Default: none; the challenge is answered without provisioning anything, which only a CA
   * that does not check (Pebble with `PEBBLE_VA_ALWAYS_VALID=1`) accepts.
   */
  readonly solver?: ChallengeSolver;
  /** How often one ACME request is retried when the server does not answer. Default: 1. */
  readonly requestRetries?: number;
}

/**
 * A certificate pair, when it expires, and whether it was ordered now (`ordered: true`) or the
 * pair already in `certDir` was kept (`false`).
 */
export type IssuedPair = CertificatePair & {
  readonly notAfterMs: number;
  readonly ordered: boolean;
};

const DAY_MS = 86_400_000;

/**
 * Obtains and renews certificates for hostnames. One order per hostname at a time; a hostname
 * whose pair is valid for longer than the renewal window is not ordered again.
 */
export class AcmeCertificates {
  readonly certDir: string;
  readonly directoryUrl: string;
  readonly renewBeforeMs: number;
  readonly #options: AcmeOptions;
  readonly #inFlight = new Map<string, Promise<IssuedPair>>();

  constructor(options: AcmeOptions) {
    this.#options = options;
    this.certDir = options.certDir;
    this.directoryUrl = options.directoryUrl;
    this.renewBeforeMs = options.renewBeforeMs ?? 30 * DAY_MS;
  }

  /**
   * The pair for `hostname`: the one in `certDir` when it is usable (the key parses and belongs
   * to the certificate) and valid for longer than the renewal window, else a new one ordered now.
   * @throws CertificateOrderError naming the hostname, the directory URL and the reason.
   */
  async ensure(hostname: string): Promise<IssuedPair> {
    const name = normalHostname(hostname);
    const pair = certificatePaths(this.certDir, name);
    const notAfterMs = readUsableNotAfter(pair);
    if (notAfterMs !== undefined && notAfterMs - Date.now() > this.renewBeforeMs) {
      return { ...pair, notAfterMs, ordered: false };
    }
    return this.#order(name);
  }

  /** When the pair of `hostname` in `certDir` expires (ms); undefined when there is none. */
  notAfter(hostname: string): number | undefined {
    return readNotAfter(certificatePaths(this.certDir, hostname).certPath);
  }

  /**
   * Renews every pair in `certDir` that expires within the window, or whose key does not parse
   * or belong to its certificate (wildcard `_.*` pairs are
   * skipped: they come from elsewhere) and resolves to the hostnames renewed. With `hostnames`,
   * only those are looked at, and one without a pair yet is ordered too.
   * @throws CertificateRenewalError after trying all, when any failed (carries the renewed).
   */
  async renewDue(hostnames?: readonly string[]): Promise<string[]> {
    const names =
      hostnames?.map(normalHostname) ??
      (await readdir(this.certDir).catch(() => [] as string[]))
        .filter((f) => f.endsWith('.crt') && !f.startsWith('_.') && !f.startsWith('.'))
        .map((f) => f.slice(0, -'.crt'.length));
    const due = [...new Set(names)]
      .filter((name) => {
        const notAfterMs = readUsableNotAfter(certificatePaths(this.certDir, name));
        return notAfterMs === undefined || notAfterMs - Date.now() <= this.renewBeforeMs;
      })
      .sort();

    const renewed: string[] = [];
    const failures: CertificateOrderError[] = [];
    for (const name of due) {
      try {
        await this.#order(name);
        renewed.push(name);
      } catch (err) {
        failures.push(this.#orderError(name, err));
      }
    }
    if (failures.length > 0) throw new CertificateRenewalError(renewed, failures);
    return renewed;
  }

  // One order per hostname at a time; callers asking meanwhile share it.
  #order(name: string): Promise<IssuedPair> {
    const running = this.#inFlight.get(name);
    if (running !== undefined) return running;

    const pair = certificatePaths(this.certDir, name);
    const order = (async (): Promise<IssuedPair> => {
      try {
        const issued = await orderCertificate(name, this.#options);
        await writePair(pair, issued.certPem, issued.keyPem);
      } catch (err) {
        throw this.#orderError(name, err);
      }
      const notAfterMs = readNotAfter(pair.certPath);
      if (notAfterMs === undefined) {
        throw new CertificateOrderError(name, this.directoryUrl, 'the issued PEM is unreadable');
      }
      return { ...pair, notAfterMs, ordered: true };
    })().finally(() => this.#inFlight.delete(name));
    this.#inFlight.set(name, order);
    return order;
  }

  #orderError(name: string, err: unknown): CertificateOrderError {
    if (err instanceof CertificateOrderError) return err;
    const why = err instanceof Error ? err.message : String(err);
    return new CertificateOrderError(name, this.directoryUrl, why, { cause: err });
  }
}
