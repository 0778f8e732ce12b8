// Provisioning a systemd Linux node over SSH: each step looks first and changes only what
// differs, so a second run changes nothing.
import {
  askVersion,
  describeAnswer,
  installArtifact,
  LIVE_BINARY,
  onNode,
  privileged,
  quote,
  UpgradeFailedError,
  waitForVersion,
  type Credentials,
  type LocalArtifact,
  type NodeSession,
  type SshNode,
} from '../../index.js';
import { uploadCredentials, type AgentSecurity } from './provision-credentials.js';
import { AGENT_CONFIG, agentToml, UNIT_FILE, unitFile } from './provision-files.js';

/** One step's outcome. */
export interface ProvisionStep {
  step: 'user' | 'directories' | 'credentials' | 'config' | 'unit' | 'binary' | 'service';
  changed: boolean;
  detail: string;
}

/**
 * Runs every step on `node`; resolves to what each did. `security` (from `agentSecurity`, read
 * before the session was opened) gives the files to copy and the agent's `tls` and `mcias`.
 */
export async function provisionNode(
  session: NodeSession,
  node: SshNode,
  artifact: LocalArtifact,
  options: { timeoutMs: number; credentials: Credentials; security: AgentSecurity },
): Promise<ProvisionStep[]> {
  const { ssh } = node;
  const as = (command: string): string => privileged(ssh.sudo, `sh -c ${quote(command)}`);
  const steps: ProvisionStep[] = [];

  // The user: a system account (and group) owning /srv/mcp and the state directory.
  const passwd = quote(onNode(ssh, '/etc/passwd'));
  const ids = (): Promise<string> => session.run(`awk -F: '$1=="mcp"{print $3":"$4}' ${passwd}`);
  let owner = await ids();
  const newUser = owner === '';
  if (newUser) {
    const prefix = ssh.root === '/' ? '' : `--prefix ${quote(ssh.root)} `;
    await session.run(
      as(
        `useradd ${prefix}--system --user-group --home-dir /srv/mcp --no-create-home ` +
          '--shell /usr/sbin/nologin mcp',
      ),
    );
    owner = await ids();
  }
  steps.push({ step: 'user', changed: newUser, detail: `mcp (uid:gid ${owner})` });

  // Directories, by numeric owner: the names may not resolve outside a test root.
  const dirs: [string, string, string][] = [
    ['/srv/mcp', owner, '755'],
    ['/var/lib/mcp', owner, '700'],
    ['/etc/mcp', '0:0', '755'],
    ['/etc/systemd/system', '0:0', '755'],
  ];
  const madeDirs: string[] = [];
  for (const [path, own, mode] of dirs) {
    const dir = quote(onNode(ssh, path));
    const now = await session.run(`stat -c '%u:%g %a' ${dir} 2>/dev/null || true`);
    if (now === `${own} ${mode}`) continue;
    const [uid, gid] = own.split(':');
    await session.run(as(`install -d -o ${uid} -g ${gid} -m ${mode} ${dir}`));
    madeDirs.push(path);
  }
  const dirsDetail = madeDirs.length > 0 ? `made or fixed ${madeDirs.join(', ')}` : 'as wanted';
  steps.push({ step: 'directories', changed: madeDirs.length > 0, detail: dirsDetail });

  // The agent's CA, pair and token: copied when their content, owner or mode differs.
  const { files, tables } = options.security;
  const written = await uploadCredentials(session, files, owner, as);
  const credentialsDetail =
    files.length === 0
      ? 'skipped: tls and mcias come from [nodes.agent]'
      : written.length > 0
        ? `wrote ${written.join(', ')}`
        : `as wanted: ${files.map((f) => f.remote).join(', ')}`;
  steps.push({ step: 'credentials', changed: written.length > 0, detail: credentialsDetail });

  // The config and the unit: written when their content differs.
  const toml = agentToml(node, tables);
  const configChanged = await writeFile(session, onNode(ssh, AGENT_CONFIG), toml, as);
  steps.push({ step: 'config', changed: configChanged, detail: onNode(ssh, AGENT_CONFIG) });
  const unitChanged = await writeFile(session, onNode(ssh, UNIT_FILE), unitFile(ssh), as);
  if (unitChanged) await session.run(privileged(ssh.sudo, 'systemctl daemon-reload'));
  const enabled = await session.run(
    'systemctl is-enabled mcp-agent >/dev/null 2>&1 && echo yes || echo no',
  );
  if (enabled !== 'yes') await session.run(privileged(ssh.sudo, 'systemctl enable mcp-agent'));
  const unitDetail = `${onNode(ssh, UNIT_FILE)}${enabled === 'yes' ? '' : ', enabled'}`;
  steps.push({ step: 'unit', changed: unitChanged || enabled !== 'yes', detail: unitDetail });

  // The binary: installed when the live one is another file.
  const live = onNode(ssh, LIVE_BINARY);
  const sum = (await session.run(`sha256sum ${quote(live)} 2>/dev/null || true`)).split(/\s+/)[0];
  const binaryChanged = sum !== artifact.sha256;
  if (binaryChanged) {
    await installArtifact(session, artifact, `${live}.new`, node);
    await session.run(as(`mv -f ${quote(`${live}.new`)} ${quote(live)}`));
  }
  steps.push({ step: 'binary', changed: binaryChanged, detail: `${live} ${artifact.version}` });

  // The service: (re)started when anything changed or it does not answer with the version.
  const answer = await askVersion(node, options.credentials);
  const running = 'version' in answer && answer.version === artifact.version;
  const restart = written.length > 0 || configChanged || unitChanged || binaryChanged || !running;
  if (restart) {
    await session.run(ssh.restartCommand);
    const came = await waitForVersion(
      node,
      options.credentials,
      artifact.version,
      options.timeoutMs,
    );
    if (came !== true) {
      const last = describeAnswer(came);
      const why = `the agent did not report ${artifact.version} after a start (${last})`;
      throw new UpgradeFailedError(node.name, artifact.version, why);
    }
  }
  const serviceDetail = restart
    ? `started, reports ${artifact.version}`
    : `runs ${artifact.version}`;
  steps.push({ step: 'service', changed: restart, detail: serviceDetail });
  return steps;
}

/** Writes `content` to `path` (mode 0644) unless it already holds exactly that. */
async function writeFile(
  session: NodeSession,
  path: string,
  content: string,
  as: (command: string) => string,
): Promise<boolean> {
  const now = await session.run(`cat ${quote(path)} 2>/dev/null; echo .`);
  if (now === `${content}.` || now === `${content}\n.`) return false;
  const temp = await session.run('mktemp /tmp/mcp-provision.XXXXXXXX');
  try {
    await session.run(`cat > ${quote(temp)}`, { stdin: content });
    await session.run(as(`install -m 0644 ${quote(temp)} ${quote(path)}`));
  } finally {
    await session.run(`rm -f ${quote(temp)}`);
  }
  return true;
}
