// L7 certificates are read from their files when a connection arrives and kept while the files
// are unchanged, so a renewed pair is served without a restart.
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';

interface Entry {
  readonly stamp: string;
  readonly context: SecureContext;
}

/** Secure contexts by certificate and key path, rebuilt when either file changes. */
export class CertificateCache {
  private readonly entries = new Map<string, Entry>();

  /** @throws when a file is unreadable or the pair is not a valid certificate and key. */
  get(certPath: string, keyPath: string): SecureContext {
    const key = `${certPath}\0${keyPath}`;
    const stamp = `${stampOf(certPath)}|${stampOf(keyPath)}`;
    const cached = this.entries.get(key);
    if (cached?.stamp === stamp) return cached.context;

    const context = createSecureContext({
      cert: readFileSync(certPath),
      key: readFileSync(keyPath),
    });
    this.entries.set(key, { stamp, context });
    return context;
  }
}

function stampOf(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}`;
}
