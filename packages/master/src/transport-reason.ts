// Short reasons for the transport failures grpc-js reports. Its details read like
// "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.2:39489.
// Resolution note: ", which is no message for a person.

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
};

/** A short reason, such as `connection refused`, from grpc-js's UNAVAILABLE details. */
export function transportReason(details: string): string {
  const errno = /\b(E[A-Z_]{3,})\b/.exec(details)?.[1];
  const known = errno === undefined ? undefined : ERRNO_TEXT[errno];
  if (known) return known;

  // Otherwise the last error alone, without grpc-js's framing, note and timestamps.
  const text = details
    .replace(/\s*Resolution note:.*$/s, '')
    .replace(/^No connection established\.\s*(Last error:\s*)?/, '')
    .replace(/^(Error:\s*)+/, '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)/g, '')
    .replace(/\.$/, '')
    .trim();
  return text === '' || text === 'null' ? 'unavailable' : text;
}
