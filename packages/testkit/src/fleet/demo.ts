// The README's demo: a local fleet, the example service deployed on rift, a curl line that
// works, and the fleet kept up until Ctrl-C, then torn down without leftovers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { exampleService } from './example.js';
import { startFleet } from './fleet.js';
import { PROGRAMS } from './paths.js';

export async function runDemo(): Promise<void> {
  console.log(
    'starting a local fleet: registry, Podman, mc-proxy and agent on rift and orion, ' +
      'edge node svc (mc-proxy and edge agent), master',
  );
  const fleet = await startFleet({ nodes: ['rift', 'orion'], edges: ['svc'] });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the fleet and removing everything it made');
    void fleet.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const rift = fleet.agents.rift;
  if (!rift) throw new Error('the demo fleet has no node rift');
  mkdirSync(join(rift.srvRoot, 'hello'), { recursive: true });
  writeFileSync(join(rift.srvRoot, 'hello', 'index.html'), 'hello from mcp on rift\n');
  const publicName = 'hello.example.net';
  fleet.writeService(
    'hello',
    exampleService({ image: fleet.images.v1, publicHostname: publicName }),
  );

  const mcp = `MCP_CONFIG=${fleet.cliConfig} node ${PROGRAMS.cli}`;
  console.log(`\n$ mcp deploy hello`);
  const out = await fleet.mcp(['deploy', 'hello']);
  process.stdout.write(out.stdout);
  process.stderr.write(out.stderr);
  if (out.code !== 0) {
    stop();
    return;
  }

  const status = await fleet.mcp(['status', 'hello', '--json']);
  const service = JSON.parse(status.stdout) as {
    components?: { ports?: { hostIp?: string; hostPort?: number }[] }[];
  };
  const port = service.components?.[0]?.ports?.[0];
  const internal = `hello.svc.mcp.${fleet.zone}`;
  const edge = fleet.edges.svc;
  console.log(
    "\nThe example service answers on its host port, through rift's mc-proxy, and through the " +
      'edge node svc:',
  );
  console.log(`  curl http://${port?.hostIp}:${port?.hostPort}/index.html`);
  console.log(
    `  curl --cacert ${fleet.ca.certPath} --resolve ${internal}:443:${rift.address} ` +
      `https://${internal}/index.html`,
  );
  console.log(
    `  curl --cacert ${fleet.ca.certPath} --resolve ${publicName}:443:${edge?.address} ` +
      `https://${publicName}/index.html`,
  );
  console.log('\nTry the CLI against this fleet (definitions live in ' + fleet.servicesDir + '):');
  console.log(`  alias mcp='${mcp}'`);
  console.log('  mcp ps; mcp status hello; mcp logs hello; mcp restart hello; mcp undeploy hello');
  console.log('  mcp node list; mcp route list; mcp edge list; mcp edge list --json');
  const mcias = fleet.security.mcias;
  console.log(
    `\nThe CLI is logged in as alice (admin) for 12 hours, through the MCIAS stand-in at ` +
      `${mcias.url}. To log in again (after mcp logout), or as bob (user) or gail (guest, ` +
      'refused by every command):',
  );
  for (const user of ['alice', 'bob', 'gail']) {
    console.log(`  mcp login -u ${user}      # password: ${mcias.password(user)}`);
  }
  console.log('\nThe fleet stays up until you press Ctrl-C.');

  // The fleet's processes do not hold the event loop; this timer keeps the demo up until stop().
  setInterval(() => undefined, 1 << 30);
}
