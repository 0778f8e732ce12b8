import { McpCommand, directFlag, directNodeFlag, jsonFlag, serviceArg } from '../lib/command.js';
import {
  formatEdgeSection,
  formatJson,
  formatNodeErrors,
  formatService,
  serviceJson,
} from '../lib/print.js';

export default class Status extends McpCommand {
  static override summary = 'Show one service in detail: containers, versions and routes.';
  static override description =
    'Nodes that did not answer are warnings on stderr (the service may run there); --json ' +
    'carries them as `errors` beside the ServiceStatus fields.';
  static override examples = [
    '<%= config.bin %> status mcq',
    '<%= config.bin %> status mcq --direct -n rift',
  ];
  static override args = { service: serviceArg };
  static override flags = { json: jsonFlag, direct: directFlag, node: directNodeFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Status);
    const config = await this.loadConfig(flags.config);
    const target = this.target(config, flags);

    const { services, errors } = await target.service(args.service);
    const [service, ...copies] = services;
    const edge = service ? await target.edgeRoutes(args.service) : undefined;

    if (flags.json) this.log(formatJson(serviceJson(service, errors, edge?.routes)));
    else if (service) {
      const edgeSection = edge?.routes.length ? `\n\n${formatEdgeSection(edge.routes)}` : '';
      this.log(formatService(service, Date.now()) + edgeSection);
    }
    for (const line of formatNodeErrors([...errors, ...(edge?.errors ?? [])])) {
      this.logToStderr(line);
    }
    for (const c of copies) {
      this.logToStderr(`Warning: service '${c.name}' is also on node '${c.node}' (see mcp ps)`);
    }
    if (!service) {
      throw await target.missing(
        args.service,
        errors.map((e) => e.node),
      );
    }
  }
}
