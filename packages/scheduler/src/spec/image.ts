// Image references, checked against the grammar of the distribution project's `reference`
// package (what Podman and Docker parse), so a reference that cannot be pulled is refused when
// the definition is validated rather than by the runtime at pull time. Stricter in one place:
// the registry host must be lower case too, as the fleet's registries are named.
//
// No npm package was taken for this: the parsers published there are CommonJS ports with
// generic messages, and the grammar itself is a handful of expressions.

const NAME_MAX = 255;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/** The parts of an image reference: `registry:5000/a/b:v1@sha256:...`. */
export interface ImageParts {
  /** Registry host and port; empty for a familiar name such as `nginx:1.27`. */
  registry: string;
  /** Repository path below the registry, for example `a/b`. */
  repository: string;
  /** Tag; empty when there is none. */
  tag: string;
  /** Digest; empty when there is none. */
  digest: string;
}

/** Splits a reference into its parts without judging them. */
export function splitImage(image: string): ImageParts {
  const at = image.indexOf('@');
  const digest = at < 0 ? '' : image.slice(at + 1);
  const ref = at < 0 ? image : image.slice(0, at);

  // A tag follows the last colon after the last slash; an earlier colon is a registry port.
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const tag = colon > slash ? ref.slice(colon + 1) : '';
  const name = colon > slash ? ref.slice(0, colon) : ref;

  // The first component is a registry when it looks like a host: a dot, a port, or localhost.
  const first = name.indexOf('/');
  const head = first < 0 ? '' : name.slice(0, first);
  const isRegistry = head !== '' && (/[.:]/.test(head) || head === 'localhost');
  return {
    registry: isRegistry ? head : '',
    repository: isRegistry ? name.slice(first + 1) : name,
    tag,
    digest,
  };
}

/** Why an image reference cannot be valid; undefined when it follows the grammar. */
export function imageReferenceProblem(image: string): string | undefined {
  const { registry, repository, tag, digest } = splitImage(image);

  // Registry host and port.
  if (registry !== '') {
    const problem = registryProblem(registry);
    if (problem) return problem;
  }

  // Repository path: lower-case components joined by '/', and the whole name bounded.
  if (repository === '') return `'${image}' names no repository`;
  if (repository !== repository.toLowerCase()) {
    return `repository '${repository}' must be lower case`;
  }
  const bad = repository.split('/').find((c) => !PATH_COMPONENT.test(c));
  if (bad !== undefined) {
    return (
      `repository '${repository}' has an invalid component '${bad}' ` +
      "(lower-case letters and digits, separated by '.', '_', '__' or '-')"
    );
  }
  const nameLength = registry.length + (registry ? 1 : 0) + repository.length;
  if (nameLength > NAME_MAX) return `the image name is longer than ${NAME_MAX} characters`;

  // Tag and digest.
  if (tag.length > 128) return `tag '${tag.slice(0, 20)}…' is longer than 128 characters`;
  if (tag !== '' && !TAG.test(tag)) {
    return (
      `tag '${tag}' may hold only ASCII letters, digits, '_', '.' and '-', ` +
      "and not start with '.' or '-'"
    );
  }
  if (image.includes('@') && !DIGEST.test(digest)) {
    return `digest '${digest}' is not 'sha256:' followed by 64 lower-case hex digits`;
  }
  return undefined;
}

function registryProblem(registry: string): string | undefined {
  if (registry !== registry.toLowerCase()) return `registry '${registry}' must be lower case`;

  const m = /^(.*?)(?::(\d+))?$/.exec(registry);
  const host = m?.[1] ?? '';
  const port = m?.[2];
  const hostOk = IPV6.test(host) || host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
  if (!hostOk) return `registry '${registry}' is not a host name or address`;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return `registry '${registry}' has a port outside 1-65535`;
  }
  return undefined;
}
