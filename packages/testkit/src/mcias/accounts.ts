// The MCIAS stand-in's accounts: what a test asks for, the defaults, and the scrypt hashes the
// program checks passwords against (so no password is written to its config in the clear).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** What a human account may do. */
export type MciasRole = 'admin' | 'user' | 'guest';

/** `human` for people (log in with a password), `system` for services (tokens from the admin). */
export type MciasAccountType = 'human' | 'system';

/** Every role there is, for checks. */
export const MCIAS_ROLES: readonly MciasRole[] = ['admin', 'user', 'guest'];

/** A person's account. */
export interface MciasHumanAccount {
  readonly username: string;
  /** Default: 16 random bytes, hex (read it back with `Mcias.password(username)`). */
  readonly password?: string;
  /** Any of `admin`, `user`, `guest`. */
  readonly roles: readonly MciasRole[];
}

/** A service's account, e.g. `mcp-master` or `agent-rift`: no password, no roles. */
export interface MciasServiceAccount {
  readonly username: string;
}

/** The accounts of a stand-in. */
export interface MciasAccounts {
  /** Default: `alice` (admin), `bob` (user) and `gail` (guest), each with a random password. */
  readonly humans?: readonly MciasHumanAccount[];
  /** Default: none. */
  readonly services?: readonly MciasServiceAccount[];
}

/** A password as the program stores it: scrypt with the parameters below, hex. */
export interface PasswordHash {
  readonly salt: string;
  readonly hash: string;
}

/** One account as the program reads it from its config. */
export interface AccountRecord {
  readonly username: string;
  readonly accountType: MciasAccountType;
  readonly roles: readonly MciasRole[];
  /** Absent for system accounts, which cannot log in. */
  readonly password?: PasswordHash;
}

const DEFAULT_HUMANS: readonly MciasHumanAccount[] = [
  { username: 'alice', roles: ['admin'] },
  { username: 'bob', roles: ['user'] },
  { username: 'gail', roles: ['guest'] },
];

const KEY_LENGTH = 32;

/**
 * The accounts with defaults filled in, and the clear password of each human (kept by the
 * test's handle only). Throws on an empty or repeated username or an unknown role.
 */
export async function resolveAccounts(
  accounts: MciasAccounts | undefined,
): Promise<{ records: AccountRecord[]; passwords: Map<string, string> }> {
  const humans = accounts?.humans ?? DEFAULT_HUMANS;
  const services = accounts?.services ?? [];
  const records: AccountRecord[] = [];
  const passwords = new Map<string, string>();
  const seen = new Set<string>();
  const check = (username: string): void => {
    if (username === '') throw new Error('failed to start MCIAS stand-in: an empty username');
    if (seen.has(username)) {
      throw new Error(`failed to start MCIAS stand-in: account '${username}' given twice`);
    }
    seen.add(username);
  };

  for (const human of humans) {
    check(human.username);
    const bad = human.roles.find((r) => !MCIAS_ROLES.includes(r));
    if (bad !== undefined) {
      throw new Error(`failed to start MCIAS stand-in: account '${human.username}': role '${bad}'`);
    }
    const password = human.password ?? randomBytes(16).toString('hex');
    passwords.set(human.username, password);
    records.push({
      username: human.username,
      accountType: 'human',
      roles: [...human.roles],
      password: await hashPassword(password),
    });
  }
  for (const service of services) {
    check(service.username);
    records.push({ username: service.username, accountType: 'system', roles: [] });
  }
  return { records, passwords };
}

/** Hashes `password` with a fresh salt. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt);
  return { salt: salt.toString('hex'), hash: hash.toString('hex') };
}

/**
 * Whether `password` is the account's. Without a hash (no such account, or a system account)
 * a hash is still computed, so a wrong user takes as long to refuse as a wrong password.
 */
export async function passwordMatches(
  password: string,
  stored: PasswordHash | undefined,
): Promise<boolean> {
  const salt = Buffer.from(stored?.salt ?? '00', 'hex');
  const given = await derive(password, salt);
  if (stored === undefined) return false;
  const want = Buffer.from(stored.hash, 'hex');
  return want.length === given.length && timingSafeEqual(want, given);
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
