import { describe, expect, it } from 'vitest';

import { imageReferenceProblem, splitImage } from './image.js';

describe('splitImage', () => {
  it.each([
    ['nginx:1.27', { registry: '', repository: 'nginx', tag: '1.27', digest: '' }],
    ['localhost/web:v1', { registry: 'localhost', repository: 'web', tag: 'v1', digest: '' }],
    [
      'registry.local:5000/a/b:v1@sha256:x',
      { registry: 'registry.local:5000', repository: 'a/b', tag: 'v1', digest: 'sha256:x' },
    ],
    ['library/redis', { registry: '', repository: 'library/redis', tag: '', digest: '' }],
    ['[::1]:5000/web:v2', { registry: '[::1]:5000', repository: 'web', tag: 'v2', digest: '' }],
  ])('splitImage splits %s into registry, repository, tag and digest', (image, parts) => {
    expect(splitImage(image)).toEqual(parts);
  });
});

describe('imageReferenceProblem', () => {
  it.each([
    'nginx:1.27',
    'mcr.svc.mcp.metacircular.net:8443/mcq:v0.4.0',
    'localhost:5000/a.b/c__d/e-f:V1_2.3-rc',
    '10.0.0.1:5000/web:v1',
    '[::1]:5000/web:v1',
    `registry.local/web:v1@sha256:${'ab'.repeat(32)}`,
    `web:${'v'.repeat(128)}`,
  ])('imageReferenceProblem accepts %s', (image) => {
    expect(imageReferenceProblem(image)).toBeUndefined();
  });

  it.each([
    ['REGISTRY.local/web:v1', /registry 'REGISTRY.local' must be lower case/],
    ['registry.local:99999/web:v1', /port outside 1-65535/],
    ['reg_istry.local/web:v1', /not a host name or address/],
    ['registry.local/My/web:v1', /repository 'My\/web' must be lower case/],
    ['registry.local/web-/x:v1', /invalid component 'web-'/],
    ['registry.local/:v1', /names no repository/],
    [`registry.local/${'a'.repeat(250)}:v1`, /longer than 255/],
    ['web:-v1', /tag '-v1' may hold only/],
    ['web:v1✓', /tag 'v1✓' may hold only ASCII/],
    [`web@sha256:${'AB'.repeat(32)}`, /64 lower-case hex digits/],
    ['web:v1@', /digest '' is not/],
  ])('imageReferenceProblem refuses %s', (image, reason) => {
    expect(imageReferenceProblem(image)).toMatch(reason);
  });
});
