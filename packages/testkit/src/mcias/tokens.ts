// The MCIAS stand-in's tokens: JWTs signed EdDSA (Ed25519) with jose, a key made at first start
// and kept in the stand-in's dir, and a revocation list by token id that outlives a restart.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

import { compactVerify, decodeJwt, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

import {
  MCIAS_ROLES,
  type AccountRecord,
  type MciasAccountType,
  type MciasRole,
} from './accounts.js';

/** Why `/v1/token/validate` refuses a token. */
export type InvalidReason =
  'expired' | 'revoked' | 'malformed' | 'bad signature' | 'unknown account';

/** What `/v1/token/validate` answers. */
export type Validation =
  | {
      readonly valid: true;
      readonly username: string;
      readonly accountType: MciasAccountType;
      readonly roles: readonly MciasRole[];
      readonly expiresAt: Date;
    }
  | { readonly valid: false; readonly reason: InvalidReason };

/** The key in `file` (PKCS#8 PEM); made there, mode 0600, when there is none yet. */
export function loadOrCreateSigningKey(file: string): KeyObject {
  const existing = readKey(file);
  if (existing !== undefined) return existing;

  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    // `wx`: a key already there (another start racing this one) is never overwritten.
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readKey(file) ?? privateKey;
  }
  return privateKey;
}

function readKey(file: string): KeyObject | undefined {
  try {
    return createPrivateKey(readFileSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Revoked token ids with their expiry (seconds), in a JSON file rewritten on each change. */
export class RevocationList {
  private readonly revoked: Map<string, number>;

  constructor(private readonly file: string) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      text = '{}';
    }
    this.revoked = new Map(Object.entries(JSON.parse(text) as Record<string, number>));
  }

  has(jti: string): boolean {
    return this.revoked.has(jti);
  }

  add(jti: string, exp: number): void {
    this.revoked.set(jti, exp);

    // An expired token is refused as expired before this list is asked, so its entry can go.
    const now = Date.now() / 1000;
    for (const [id, until] of this.revoked) if (until <= now) this.revoked.delete(id);

    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.revoked)), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

/** Issues, checks and revokes the stand-in's tokens. */
export class TokenAuthority {
  private readonly publicKey: KeyObject;

  constructor(
    private readonly signingKey: KeyObject,
    private readonly accounts: ReadonlyMap<string, AccountRecord>,
    private readonly revocations: RevocationList,
  ) {
    this.publicKey = createPublicKey(signingKey);
  }

  /**
   * A token for `account` valid for `ttlMs` (negative: expired already). JWT times are whole
   * seconds, rounded down, so a ttl under a second may give a token that is expired at once.
   */
  async issue(account: AccountRecord, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
    const now = Date.now();
    const exp = Math.floor((now + ttlMs) / 1000);
    const token = await new SignJWT({ account_type: account.accountType, roles: account.roles })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setSubject(account.username)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.signingKey);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Checks in this order: signature (a token not signed by this key says nothing), claims,
   * expiry, revocation, account. So a revoked token that has since expired is `expired`.
   */
  async validate(token: string): Promise<Validation> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['EdDSA'],
        requiredClaims: ['sub', 'iat', 'exp', 'jti'],
      }));
    } catch (err) {
      return { valid: false, reason: reasonOf(err) };
    }

    const claims = ourClaims(payload);
    if (claims === undefined) return { valid: false, reason: 'malformed' };
    if (this.revocations.has(claims.jti)) return { valid: false, reason: 'revoked' };
    const account = this.accounts.get(claims.username);
    if (account?.accountType !== claims.accountType) {
      return { valid: false, reason: 'unknown account' };
    }
    return {
      valid: true,
      username: claims.username,
      accountType: claims.accountType,
      roles: claims.roles,
      expiresAt: new Date(claims.exp * 1000),
    };
  }

  /** Revokes a token this key signed, expired or not; false for any other string. */
  async revoke(token: string): Promise<boolean> {
    try {
      await compactVerify(token, this.publicKey, { algorithms: ['EdDSA'] });
    } catch {
      return false;
    }

    const { jti, exp } = decodeJwt(token);
    if (typeof jti !== 'string' || typeof exp !== 'number') return false;
    this.revocations.add(jti, exp);
    return true;
  }
}

// jose throws one error class per failed check; JWTExpired extends JWTClaimValidationFailed.
function reasonOf(err: unknown): InvalidReason {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  // A header naming another algorithm (`none`, HS256) is not a signature of this key.
  if (err instanceof errors.JOSEAlgNotAllowed) return 'bad signature';
  return 'malformed';
}

function ourClaims(payload: JWTPayload):
  | {
      username: string;
      accountType: MciasAccountType;
      roles: MciasRole[];
      exp: number;
      jti: string;
    }
  | undefined {
  const { sub, exp, jti, account_type: type, roles } = payload;
  if (typeof sub !== 'string' || typeof exp !== 'number' || typeof jti !== 'string') return;
  if (type !== 'human' && type !== 'system') return;
  if (!Array.isArray(roles) || !roles.every((r) => MCIAS_ROLES.includes(r as MciasRole))) return;
  return { username: sub, accountType: type, roles: roles as MciasRole[], exp, jti };
}
