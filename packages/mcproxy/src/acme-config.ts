// The `[acme]` table both agents read, turned into a certificate manager.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { AcmeCertificates } from './acme.js';
import type { ChallengeSolver } from './acme-order.js';
import type { McnsDns01Options } from './dns01.js';

/** An agent's `[acme]` settings, as its config loader validated them. */
export interface AcmeSettings {
  /** `directory_url`: the ACME directory. Required. */
  readonly directoryUrl: string;
  /** `ca_file`: PEM trusted for the ACME server's own TLS. Default: Node's root CAs. */
  readonly caFile?: string;
  /** `eab_kid`: the external account binding's key id. Default: no EAB. */
  readonly eabKid?: string;
  /** `eab_hmac_key_file`: file holding the base64url HMAC key, mode 0600 or stricter. */
  readonly eabHmacKeyFile?: string;
  /** `email`: the account's contact. Default: none. */
  readonly email?: string;
  /** `renew_before_days`: renew a pair expiring within this many days. Default: 30. */
  readonly renewBeforeDays: number;
  /** `check_interval_ms`: how often pairs are checked for renewal. Default: 3 600 000 (1 h). */
  readonly checkIntervalMs: number;
  /**
   * `dns01_mcns_url`: MCNS's REST API; with it, challenges are met by dns-01 TXT records made
   * there (with `dns01_mcns_token_file` and `dns01_zone`). Default: no solver.
   */
  readonly dns01McnsUrl?: string;
  /** `dns01_mcns_token_file`: file holding MCNS's bearer token, mode 0600 or stricter. */
  readonly dns01McnsTokenFile?: string;
  /** `dns01_zone`: the MCNS zone of the `_acme-challenge.<hostname>` records. */
  readonly dns01Zone?: string;
}

/** A secret file that others than its owner can read, or that cannot be read. */
export class AcmeKeyFileError extends Error {
  readonly code = 'ACME_KEY_FILE';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown; what?: string },
  ) {
    const what = options?.what ?? 'EAB HMAC key';
    super(`failed to read the ${what} file '${file}': ${reason}`, options);
    this.name = 'AcmeKeyFileError';
  }
}

/**
 * The certificate manager of `[acme]` for `certDir`; the account key is
 * `<certDir>/acme-account.key`. Reads the EAB HMAC key file (and the MCNS token file) now.
 * With `dns01McnsUrl`, challenges are met with dns-01 through MCNS (`mcnsDns01Solver`).
 * @throws AcmeKeyFileError when a key file is unreadable, empty or readable by others.
 */
export function acmeCertificates(settings: AcmeSettings, certDir: string): AcmeCertificates {
  const file = settings.eabHmacKeyFile;
  let eab: { kid: string; hmacKey: string } | undefined;
  if (settings.eabKid !== undefined && file !== undefined) {
    eab = { kid: settings.eabKid, hmacKey: readKey(file, 'EAB HMAC key') };
  }
  const { dns01McnsUrl: url, dns01McnsTokenFile: tokenFile, dns01Zone: zone } = settings;
  let solver: ChallengeSolver | undefined;
  if (url !== undefined && tokenFile !== undefined && zone !== undefined) {
    solver = mcnsDns01Solver({ url, token: readKey(tokenFile, 'MCNS token'), zone });
  }

  return new AcmeCertificates({
    certDir,
    directoryUrl: settings.directoryUrl,
    caFile: settings.caFile,
    eab,
    email: settings.email,
    renewBeforeMs: settings.renewBeforeDays * 86_400_000,
    accountKeyPath: join(certDir, 'acme-account.key'),
    solver,
  });
}

/**
 * A dns-01 solver through MCNS (`McnsDns01Solver`), whose module is loaded only when a challenge
 * is met, so a process that orders nothing (the edge agent, mostly) never loads it.
 */
export function mcnsDns01Solver(options: McnsDns01Options): ChallengeSolver {
  let solver: Promise<ChallengeSolver> | undefined;
  const load = () => (solver ??= import('./dns01.js').then((m) => new m.McnsDns01Solver(options)));
  return {
    types: ['dns-01'],
    selfChecked: true,
    create: async (...args) => (await load()).create(...args),
    remove: async (...args) => (await load()).remove(...args),
  };
}

function readKey(file: string, what: string): string {
  let key: string;
  try {
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new AcmeKeyFileError(file, 'it must be mode 0600 or stricter', { what });
    }
    key = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if (err instanceof AcmeKeyFileError) throw err;
    throw new AcmeKeyFileError(file, (err as Error).message, { cause: err, what });
  }
  if (key === '') throw new AcmeKeyFileError(file, 'it is empty', { what });
  return key;
}
