// A test node reached over SSH: a real sshd on a loopback port whose sessions see a test root
// standing for `/`, and a `systemctl` on their PATH that runs the agent from
// <root>/srv/mcp/mcp-agent in the background, as the unit would.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { processAlive, registerCleanup, startSshd, type Sshd } from '@mcp/testkit';

/** One node: its sshd, root and agent addresses. */
export interface SshNode {
  name: string;
  root: string;
  sshd: Sshd;
  /** The agent's gRPC `host:port`. */
  listen: string;
  /** The agent's config on the node (under root). */
  agentConfig: string;
  /** PID of the agent the fake systemd started last, if it runs. */
  agentPid(): number | undefined;
  /** The `[[nodes]]` entry of this node for the CLI config. */
  configEntry(extra?: string): string;
}

const SYSTEMCTL = `#!/bin/sh
# Stands in for systemd's systemctl on a test node: restart/start run the agent in the background.
root="\${MCP_TEST_ROOT:?MCP_TEST_ROOT is not set}"
pidfile="$root/run/mcp-agent.pid"
echo "systemctl $*" >> "$root/var/log/systemctl.log"
case "$1" in
  daemon-reload) exit 0 ;;
  enable) touch "$root/run/mcp-agent.enabled" ;;
  is-enabled) test -f "$root/run/mcp-agent.enabled" ;;
  start|restart)
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null
      i=0
      # A zombie counts as gone: PID 1 of a container may never reap it.
      while kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null \\
        && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
      kill -9 "$pid" 2>/dev/null
    fi
    # An arm64 binary (ELF machine 0xb7) runs under qemu-user, as binfmt would run it.
    bin="$root/srv/mcp/mcp-agent"
    run=""
    if [ "$(od -An -tx1 -j18 -N1 "$bin" | tr -d ' ')" = b7 ]; then
      run="qemu-aarch64-static -L /usr/aarch64-linux-gnu"
    fi
    setsid $run "$bin" --config "$root/etc/mcp/agent.toml" \\
      >> "$root/var/log/mcp-agent.log" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    ;;
  *) echo "systemctl: $1 not supported here" >&2; exit 1 ;;
esac
`;

/** Starts an sshd and lays out the node's root; the agent is not installed yet. */
export async function startSshNode(options: {
  name: string;
  dir: string;
  address: string;
  port: number;
}): Promise<SshNode> {
  const { name, dir, address, port } = options;
  const root = join(dir, 'root');
  for (const sub of ['run', 'var/log', 'usr/local/bin', 'etc']) {
    mkdirSync(join(root, sub), { recursive: true });
  }
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  writeFileSync(join(root, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o600 });
  writeFileSync(join(root, 'etc/gshadow'), 'root:*::\n', { mode: 0o600 });
  const systemctl = join(root, 'usr/local/bin/systemctl');
  writeFileSync(systemctl, SYSTEMCTL);
  chmodSync(systemctl, 0o755);

  const system = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const path = `${join(root, 'usr/local/bin')}:${system}`;
  const sshd = await startSshd({
    dir: join(dir, 'sshd'),
    host: address,
    setEnv: { PATH: path, MCP_TEST_ROOT: root },
  });
  const pidfile = join(root, 'run/mcp-agent.pid');
  const agentPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(pidfile, 'utf8').trim());
      return processAlive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  // The agent is started by an SSH session, not by this process: stop it by its pid file.
  registerCleanup({
    label: `agent of ${name}`,
    stop: async () => stopPid(agentPid()),
    stopSync: () => {
      const pid = agentPid();
      if (pid) process.kill(pid, 'SIGKILL');
    },
  });

  return {
    name,
    root,
    sshd,
    listen: `${address}:${port}`,
    agentConfig: join(root, 'etc/mcp/agent.toml'),
    agentPid,
    configEntry: (extra = '') =>
      [
        '[[nodes]]',
        `name = "${name}"`,
        `address = "${address}:${port}"`,
        `ssh = "root@${address}:${sshd.port}"`,
        `identity_file = "${sshd.identityFile}"`,
        `known_hosts = "${sshd.knownHosts}"`,
        `root = "${root}"`,
        extra,
        '',
      ].join('\n'),
  };
}

async function stopPid(pid: number | undefined): Promise<void> {
  if (!pid) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}
