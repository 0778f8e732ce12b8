// Where a proxy route's certificate and key live: one pair per hostname in a directory, or a
// wildcard pair for the hostname's parent. The certificates issue replaces the source (ACME);
// callers keep asking here.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

import { dnsName } from '@mcp/scheduler/routing';

/** A certificate and its key, PEM files. */
export interface CertificatePair {
  certPath: string;
  keyPath: string;
}

/** No certificate for a hostname where the node keeps them. */
export class CertificateMissingError extends Error {
  readonly code = 'CERTIFICATE_MISSING';
  constructor(
    readonly hostname: string,
    readonly dir: string,
    tried: readonly string[],
  ) {
    super(
      `failed to find a certificate for '${hostname}' in '${dir}': none of ${tried.join(', ')} ` +
        'is readable (each needs a .key beside it)',
    );
    this.name = 'CertificateMissingError';
  }
}

/**
 * The pair for `hostname` in `dir`: `<hostname>.crt` and `<hostname>.key`, else the wildcard
 * pair of its parent, `_.<parent>.crt` and `_.<parent>.key` (a `*.<parent>` certificate).
 * @throws CertificateMissingError when neither pair is readable.
 */
export function findCertificate(dir: string, hostname: string): CertificatePair {
  const name = dnsName(hostname);
  const parent = name.split('.').slice(1).join('.');
  const stems = parent.includes('.') ? [name, `_.${parent}`] : [name];

  for (const stem of stems) {
    const pair = { certPath: join(dir, `${stem}.crt`), keyPath: join(dir, `${stem}.key`) };
    if (readable(pair.certPath) && readable(pair.keyPath)) return pair;
  }
  throw new CertificateMissingError(
    name,
    dir,
    stems.map((s) => `${s}.crt`),
  );
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
