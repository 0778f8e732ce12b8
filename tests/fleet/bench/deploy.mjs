// Control-plane overhead of `mcp deploy`: the median wall time of deploying the example service
// through the CLI, master and agent, divided by the median of the equivalent raw `podman run`
// of the same image on the same Podman, over 5 runs each. Prints figures; asserts nothing.
import { performance } from 'node:perf_hooks';

import { exampleService, freePort, startFleet } from '@mcp/testkit';

const RUNS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const fleet = await startFleet({ nodes: ['rift'] });
try {
  const rift = fleet.agents.rift;
  fleet.writeService('hello', exampleService({ image: fleet.images.v1 }));

  // Warm-up: the first deploy pulls the image; both sides then start from a present image.
  const warm = await fleet.mcp(['deploy', 'hello']);
  if (warm.code !== 0) throw new Error(`warm-up deploy failed: ${warm.stderr}`);
  await fleet.mcp(['undeploy', 'hello']);

  const mcp = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const out = await fleet.mcp(['deploy', 'hello']);
    mcp.push(performance.now() - t);
    if (out.code !== 0) throw new Error(`deploy failed: ${out.stderr}`);
    await fleet.mcp(['undeploy', 'hello']);
  }

  const raw = [];
  for (let i = 0; i < RUNS; i++) {
    const port = await freePort(rift.address);
    const args = [
      'run',
      '-d',
      '--name',
      'bench-raw',
      '-p',
      `${rift.address}:${port}:${port}`,
      '-e',
      `PORT=${port}`,
      '-v',
      `${rift.srvRoot}/hello:/srv/hello`,
      fleet.images.v1,
      'sh',
      '-c',
      'exec httpd -f -v -p $PORT -h /srv/hello',
    ];
    const t = performance.now();
    await rift.podman.podman(args);
    raw.push(performance.now() - t);
    await rift.podman.podman(['rm', '-f', '-t', '0', 'bench-raw']);
  }

  const ratio = median(mcp) / median(raw);
  console.log(
    `mcp deploy   median ${median(mcp).toFixed(0)} ms  runs ${mcp.map((x) => x.toFixed(0)).join(' ')}`,
  );
  console.log(
    `podman run   median ${median(raw).toFixed(0)} ms  runs ${raw.map((x) => x.toFixed(0)).join(' ')}`,
  );
  console.log(`overhead ratio ${ratio.toFixed(2)} (target <= 1.3)`);
} finally {
  await fleet.stop();
}
