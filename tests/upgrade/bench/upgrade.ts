// Time to upgrade a fleet of 3 test nodes end to end with `mcp agent upgrade` (upload, swap,
// restart, wait for the version; one node at a time), and the artifact sizes per architecture.
// Each node is a real sshd on loopback whose systemctl runs the agent from its test root (the
// same node as the tests, built from the compiled helpers). Prints figures; asserts nothing.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { ARCHES, buildArtifact, PROGRAMS } from '@mcp/release';
import { allocateLoopbackAddress, cleanupAll, freePort, run } from '@mcp/testkit';

import { agentToml, cliConfigHead, mcp, startTrust, waitForVersion } from '../src/helpers.js';
import { startSshNode, type SshNode } from '../src/node.js';

const A = '0.0.0-bench-a';
const B = '0.0.0-bench-b';
const base = mkdtempSync(join(tmpdir(), 'mcp-bench-upgrade-'));
try {
  const sizes: string[] = [];
  for (const program of PROGRAMS) {
    for (const arch of ARCHES) {
      const a = await buildArtifact({ program, arch, version: B, outDir: join(base, 'b') });
      sizes.push(`${a.program} linux-${a.arch}: ${(a.size / 1e6).toFixed(1)} MB`);
    }
  }
  const artifactA = await buildArtifact({
    program: 'agent',
    arch: 'amd64',
    version: A,
    outDir: join(base, 'a'),
  });

  const trust = await startTrust(join(base, 'trust'), ['n1', 'n2', 'n3']);
  const entries: string[] = [];
  const nodes: SshNode[] = [];
  for (const name of ['n1', 'n2', 'n3']) {
    const address = allocateLoopbackAddress();
    const node = await startSshNode({
      name,
      dir: join(base, name),
      address,
      port: await freePort(address),
    });
    mkdirSync(join(node.root, 'srv/mcp'), { recursive: true });
    mkdirSync(join(node.root, 'etc/mcp'), { recursive: true });
    copyFileSync(artifactA.file, join(node.root, 'srv/mcp/mcp-agent'));
    writeFileSync(
      node.agentConfig,
      await agentToml(trust, name, node.listen, node.root, join(base, 'no-podman.sock')),
    );
    await run(join(node.root, 'usr/local/bin/systemctl'), ['restart', 'mcp-agent'], {
      env: { ...process.env, MCP_TEST_ROOT: node.root },
    });
    await waitForVersion(node.listen, A, trust);
    entries.push(node.configEntry());
    nodes.push(node);
  }
  const config = join(base, 'mcp.toml');
  writeFileSync(config, cliConfigHead(trust) + entries.join('\n'));

  const started = performance.now();
  const out = await mcp(config, ['agent', 'upgrade', '--artifacts', join(base, 'b'), '--json']);
  const total = performance.now() - started;
  if (out.code !== 0) throw new Error(`upgrade failed: ${out.stderr}`);
  for (const node of nodes) await waitForVersion(node.listen, B, trust, 1_000);

  const report = JSON.parse(out.stdout) as { nodes: { node: string; ms: number }[] };
  const per = report.nodes.map((n) => `${n.node} ${(n.ms / 1000).toFixed(1)} s`);
  console.log(
    `fleet of 3 nodes, ${A} -> ${B}: ${(total / 1000).toFixed(1)} s end to end (${per.join(', ')})`,
  );
  for (const line of sizes) console.log(`artifact ${line}`);
} finally {
  await cleanupAll();
  rmSync(base, { recursive: true, force: true });
}
