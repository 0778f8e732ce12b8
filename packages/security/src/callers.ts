// The kinds of caller the authorization maps name, and how an identity is sorted into them.
import { AccountType, type Identity } from '@mcp/proto';

/** The MCIAS service account the master calls agents with. */
export const MASTER_ACCOUNT = 'mcp-master';

/** The prefix of an agent's service account: `agent-<node>`. */
export const AGENT_ACCOUNT_PREFIX = 'agent-';

/**
 * Who may call a method:
 * - `operator`: a human account with role admin or user and without role guest;
 * - `master`: the `mcp-master` service account;
 * - `agent`: an `agent-<node>` service account (which node it may speak for is checked by the
 *   method itself: see `agentNode`).
 */
export type Caller = 'operator' | 'master' | 'agent';

/** The node an `agent-<node>` service account speaks for; undefined for any other identity. */
export function agentNode(identity: Identity): string | undefined {
  if (identity.accountType !== AccountType.ACCOUNT_TYPE_SYSTEM) return undefined;
  if (!identity.username.startsWith(AGENT_ACCOUNT_PREFIX)) return undefined;
  const node = identity.username.slice(AGENT_ACCOUNT_PREFIX.length);
  return node === '' ? undefined : node;
}

/** True when `identity` is one of the `callers`. */
export function isAllowed(identity: Identity, callers: readonly Caller[]): boolean {
  return callers.some((caller) => CHECKS[caller](identity));
}

const CHECKS: Record<Caller, (identity: Identity) => boolean> = {
  operator: (id) =>
    id.accountType === AccountType.ACCOUNT_TYPE_HUMAN &&
    !id.roles.includes('guest') &&
    (id.roles.includes('admin') || id.roles.includes('user')),
  master: (id) =>
    id.accountType === AccountType.ACCOUNT_TYPE_SYSTEM && id.username === MASTER_ACCOUNT,
  agent: (id) => agentNode(id) !== undefined,
};

/** How an identity reads in a refusal: name, kind and roles, never the token. */
export function describeIdentity(identity: Identity): string {
  const kind =
    identity.accountType === AccountType.ACCOUNT_TYPE_HUMAN
      ? 'human'
      : identity.accountType === AccountType.ACCOUNT_TYPE_SYSTEM
        ? 'service'
        : 'unknown kind';
  const roles = identity.roles.length > 0 ? `, roles ${identity.roles.join(', ')}` : '';
  return `account '${identity.username}' (${kind}${roles})`;
}

export const CALLER_TEXT: Record<Caller, string> = {
  operator: 'human accounts that are not guests',
  master: `the ${MASTER_ACCOUNT} service account`,
  agent: `${AGENT_ACCOUNT_PREFIX}<node> service accounts`,
};
