// A throwaway certificate authority made with openssl: a CA pair and leaf certificates for
// proxy routes and backends, written under the names `findCertificate` looks for.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, realpath, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

import { run } from './exec.js';
import { requireTools, type Tool } from './requirements.js';

export const CA_TOOLS: readonly Tool[] = [{ tool: 'openssl', debianPackage: 'openssl' }];

/** A certificate and its key, PEM files. */
export interface CertificateFiles {
  readonly certPath: string;
  readonly keyPath: string;
}

/** What `TestCa.issue` makes. */
export interface IssueOptions {
  /** Subject alternative names: DNS names (wildcards like `*.svc.mcp.test` allowed) or IPs. */
  readonly names: readonly string[];
  /** Where the pair is written; created. */
  readonly dir: string;
  /** File stem: `<dir>/<stem>.crt` and `<dir>/<stem>.key`. Default: `certificateStem(names[0])`. */
  readonly stem?: string;
  /** Validity in days. Default: 90. */
  readonly days?: number;
}

/** A test CA whose certificate clients trust (`ca: readFileSync(ca.certPath)`). */
export interface TestCa extends CertificateFiles {
  readonly dir: string;
  /** Issues a P-256 leaf certificate for serverAuth, signed by this CA; key mode 0600. */
  issue(options: IssueOptions): Promise<CertificateFiles>;
}

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/**
 * The stem `findCertificate` looks for: the hostname lower-cased without a trailing dot, and
 * `_.<parent>` for a wildcard `*.<parent>`.
 */
export function certificateStem(name: string): string {
  return name.toLowerCase().replace(/\.$/, '').replace(/^\*\./, '_.');
}

/** Makes a CA in `dir` (`ca.crt`, `ca.key`, valid one year). Nothing outlives `dir`. */
export async function createTestCa(dir: string): Promise<TestCa> {
  requireTools('test CA', CA_TOOLS);
  await mkdir(resolve(dir), { recursive: true });
  const home = await realpath(resolve(dir));
  const configPath = join(home, 'openssl.cnf');
  const certPath = join(home, 'ca.crt');
  const keyPath = join(home, 'ca.key');
  await writeFile(configPath, OPENSSL_CONFIG);

  await openssl(configPath, 'ca_ext', keyPath, certPath, [
    '-days',
    '365',
    '-subj',
    `/CN=mcp test CA ${randomBytes(4).toString('hex')}`,
  ]);
  await chmod(keyPath, 0o600);

  const issue = async (options: IssueOptions): Promise<CertificateFiles> => {
    const [first] = options.names;
    if (first === undefined) throw new Error('failed to issue certificate: no names given');
    const stem = options.stem ?? certificateStem(first);
    await mkdir(options.dir, { recursive: true });
    const out = {
      certPath: join(options.dir, `${stem}.crt`),
      keyPath: join(options.dir, `${stem}.key`),
    };

    // Written beside the target and renamed, so a reader never sees half a pair's file.
    const tmp = `.${randomBytes(4).toString('hex')}`;
    const sans = options.names.map((n) => (isIP(n) === 0 ? `DNS:${n}` : `IP:${n}`)).join(',');
    await openssl(configPath, 'leaf_ext', out.keyPath + tmp, out.certPath + tmp, [
      '-CA',
      certPath,
      '-CAkey',
      keyPath,
      '-days',
      String(options.days ?? 90),
      '-subj',
      `/CN=${first.length <= 64 ? first : 'mcp test leaf'}`,
      '-addext',
      `subjectAltName=${sans}`,
    ]);
    await chmod(out.keyPath + tmp, 0o600);
    await rename(out.keyPath + tmp, out.keyPath);
    await rename(out.certPath + tmp, out.certPath);
    return out;
  };

  return { dir: home, certPath, keyPath, issue };
}

async function openssl(
  configPath: string,
  extensions: string,
  keyOut: string,
  certOut: string,
  extra: readonly string[],
): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    '-config',
    configPath,
    '-extensions',
    extensions,
    ...KEY_ARGS,
    '-keyout',
    keyOut,
    '-out',
    certOut,
    ...extra,
  ]);
}
