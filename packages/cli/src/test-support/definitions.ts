// Definitions the command tests deploy.

/** A valid definition of service `name` on node `rift` with one named route. */
export function webDefinition(name = 'web', tag = 'v1.0.0'): string {
  return `name = "${name}"
node = "rift"

[[components]]
name = "httpd"
image = "registry.test:5000/busybox:${tag}"
volumes = ["/srv/${name}:/srv/${name}"]
cmd = ["httpd", "-f", "-p", "$PORT_WEB"]

[[components.routes]]
name = "web"
port = 443
mode = "l7"
`;
}

/** A one-component service asking for `memory`, placed by the master (`node` omitted). */
export function sizedDefinition(name: string, memory: string, node = ''): string {
  return `name = "${name}"
${node ? `node = "${node}"\n` : ''}
[[components]]
name = "${name}"
image = "registry.test:5000/${name}:v1.0.0"

[components.resources]
cpu = "250m"
memory = "${memory}"
`;
}
