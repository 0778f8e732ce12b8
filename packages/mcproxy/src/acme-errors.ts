// One error class per condition of obtaining certificates.

/** The ACME server did not issue a certificate (unreachable, refused, a challenge failed). */
export class CertificateOrderError extends Error {
  readonly code = 'CERTIFICATE_ORDER_FAILED';
  constructor(
    readonly hostname: string,
    readonly directoryUrl: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `failed to obtain a certificate for '${hostname}' from '${directoryUrl}': ${reason}`,
      options,
    );
    this.name = 'CertificateOrderError';
  }
}

/** A renewal pass could not renew every pair that was due; `renewed` holds those it did. */
export class CertificateRenewalError extends Error {
  readonly code = 'CERTIFICATE_RENEWAL_FAILED';
  constructor(
    readonly renewed: readonly string[],
    readonly failures: readonly CertificateOrderError[],
  ) {
    super(
      `failed to renew certificates '${failures.map((f) => f.hostname).join("', '")}': ` +
        failures.map((f) => f.reason).join('; '),
      { cause: failures[0] },
    );
    this.name = 'CertificateRenewalError';
  }
}
