// The example service of the README and the tests: busybox httpd serving files from its
// /srv/<service> volume on $PORT.

export interface ExampleOptions {
  /** Service name. Default `hello`. */
  name?: string;
  /** Placement target; omitted from the file when empty. Default `rift`. */
  node?: string;
  /** Full image reference with tag. */
  image: string;
  /** A public hostname: the route is then exposed through the edge node too. Default none. */
  publicHostname?: string;
}

/** The TOML definition of the example service. */
export function exampleService(opts: ExampleOptions): string {
  const name = opts.name ?? 'hello';
  const node = opts.node ?? 'rift';
  return [
    `name = "${name}"`,
    ...(node ? [`node = "${node}"`] : []),
    '',
    '[[components]]',
    'name = "web"',
    `image = "${opts.image}"`,
    `volumes = ["/srv/${name}:/srv/${name}"]`,
    // As PID 1 httpd would ignore SIGTERM; the shell traps it so stop takes no 10 s timeout.
    `cmd = ["sh", "-c", "trap 'exit 0' TERM; echo serving /srv/${name} on $PORT; ` +
      `httpd -f -v -p $PORT -h /srv/${name} & wait"]`,
    '',
    '[[components.routes]]',
    'port = 443',
    'mode = "l7"',
    ...(opts.publicHostname ? [`hostname = "${opts.publicHostname}"`, 'public = true'] : []),
    '',
  ].join('\n');
}
