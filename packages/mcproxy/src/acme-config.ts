// The `[acme]` table both agents read, turned into a certificate manager.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { AcmeCertificates } from './acme.js';

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
}

/** A secret file that others than its owner can read, or that cannot be read. */
export class AcmeKeyFileError extends Error {
  readonly code = 'ACME_KEY_FILE';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to read the EAB HMAC key file '${file}': ${reason}`, options);
    this.name = 'AcmeKeyFileError';
  }
}

/**
 * The certificate manager of `[acme]` for `certDir`; the account key is
 * `<certDir>/acme-account.key`. Reads the EAB HMAC key file now.
 * @throws AcmeKeyFileError when the key file is unreadable, empty or readable by others.
 */
export function acmeCertificates(settings: AcmeSettings, certDir: string): AcmeCertificates {
  const file = settings.eabHmacKeyFile;
  let eab: { kid: string; hmacKey: string } | undefined;
  if (settings.eabKid !== undefined && file !== undefined) {
    eab = { kid: settings.eabKid, hmacKey: readKey(file) };
  }

  return new AcmeCertificates({
    certDir,
    directoryUrl: settings.directoryUrl,
    caFile: settings.caFile,
    eab,
    email: settings.email,
    renewBeforeMs: settings.renewBeforeDays * 86_400_000,
    accountKeyPath: join(certDir, 'acme-account.key'),
  });
}

function readKey(file: string): string {
  let key: string;
  try {
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new AcmeKeyFileError(file, 'it must be mode 0600 or stricter');
    }
    key = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if (err instanceof AcmeKeyFileError) throw err;
    throw new AcmeKeyFileError(file, (err as Error).message, { cause: err });
  }
  if (key === '') throw new AcmeKeyFileError(file, 'it is empty');
  return key;
}
