// One ACME order with acme-client, which is loaded only here and only when an order is made:
// a node whose pairs are all valid (or that runs without [acme]) never loads it.
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { Agent, get } from 'node:https';
import { dirname } from 'node:path';

import type * as AcmeClient from 'acme-client';

/** Provisions and removes what a challenge needs (a DNS TXT record, an HTTP token). */
export interface ChallengeSolver {
  /** Challenge types this solver can meet, best first, e.g. `['dns-01']`. */
  readonly types: readonly string[];
  create(hostname: string, type: string, token: string, keyAuthorization: string): Promise<void>;
  remove(hostname: string, type: string, token: string, keyAuthorization: string): Promise<void>;
}

/** What an order needs of the manager's options. */
export interface OrderOptions {
  readonly directoryUrl: string;
  readonly accountKeyPath: string;
  readonly caFile?: string;
  readonly eab?: { readonly kid: string; readonly hmacKey: string };
  readonly email?: string;
  readonly solver?: ChallengeSolver;
  readonly requestRetries?: number;
}

// acme-client's HTTP settings (TLS agent, retries) live on one shared axios instance, so orders
// of this process run one at a time, each with its own settings.
let queue: Promise<unknown> = Promise.resolve();

/** Orders a certificate for `hostname`; resolves to the chain and its new key (PEM). */
export function orderCertificate(
  hostname: string,
  options: OrderOptions,
): Promise<{ certPem: string; keyPem: string }> {
  const run = queue.then(() =>
    order(hostname, options).catch(async (err: unknown) => {
      // acme-client 5.4 hides an unreachable server behind a TypeError once its retries run
      // out (it reads `config` of the missing response); ask the directory ourselves for why.
      throw (await unreachable(options)) ?? err;
    }),
  );
  queue = run.catch(() => undefined);
  return run;
}

async function order(hostname: string, options: OrderOptions) {
  const acme: typeof AcmeClient = await import('acme-client');
  const ca = options.caFile === undefined ? undefined : await readFile(options.caFile, 'utf8');
  acme.axios.defaults.httpsAgent = new Agent({ ca, keepAlive: false });
  const settings = (acme.axios.defaults as { acmeSettings?: Record<string, number> }).acmeSettings;
  if (settings !== undefined) {
    settings.retryMaxAttempts = options.requestRetries ?? 1;
    settings.retryDefaultDelay = 1;
  }

  const client = new acme.Client({
    directoryUrl: options.directoryUrl,
    accountKey: await accountKey(options.accountKeyPath),
    externalAccountBinding: options.eab && { ...options.eab },
    backoffAttempts: 10,
    backoffMin: 200,
    backoffMax: 5_000,
  });
  await account(client, options.email);
  const key = newKey();
  const [, csr] = await acme.crypto.createCsr({ commonName: hostname, altNames: [hostname] }, key);
  const solver = options.solver;
  const certPem = await client.auto({
    csr,
    challengePriority: solver ? [...solver.types] : ['http-01', 'dns-01'],
    // Without a solver nothing is provisioned, so acme-client's own pre-check would fail.
    skipChallengeVerification: solver === undefined,
    challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
      await solver?.create(hostname, challenge.type, challenge.token, keyAuthorization);
    },
    challengeRemoveFn: async (_authz, challenge, keyAuthorization) => {
      await solver?.remove(hostname, challenge.type, challenge.token, keyAuthorization);
    },
  });
  return { certPem, keyPem: key };
}

// The account: found by its key (a POST-as-GET once it exists: acme-client's own path sends an
// update without a contact, which Pebble refuses as empty), else made, with EAB.
async function account(client: AcmeClient.Client, email: string | undefined): Promise<void> {
  try {
    await client.createAccount({ onlyReturnExisting: true });
  } catch {
    await client.createAccount({
      termsOfServiceAgreed: true,
      contact: email === undefined ? undefined : [`mailto:${email}`],
    });
  }
}

// Why the directory does not answer, or undefined when it does.
async function unreachable(options: OrderOptions): Promise<Error | undefined> {
  const ca = options.caFile === undefined ? undefined : await readFile(options.caFile, 'utf8');
  return new Promise((resolve) => {
    const req = get(options.directoryUrl, { ca, agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.once('timeout', () => req.destroy(new Error('timed out after 5 s')));
    req.once('error', (err) => resolve(new Error(`the directory did not answer: ${err.message}`)));
  });
}

// The account key: read, or made (P-256, PKCS#8, 0600) on first use; `wx` keeps a concurrent
// maker's key.
async function accountKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, newKey(), { mode: 0o600, flag: 'wx' }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  });
  return readFile(path, 'utf8');
}

function newKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
