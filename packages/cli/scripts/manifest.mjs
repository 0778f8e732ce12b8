// Writes oclif.manifest.json after a build, so `mcp` starts without importing every command to
// learn its flags. (This is what `oclif manifest` does, without the oclif dev CLI's dependencies.)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Plugin } from '@oclif/core';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const plugin = new Plugin({
  root,
  type: 'core',
  ignoreManifest: true,
  errorOnManifestCreate: true,
  isRoot: true,
});
await plugin.load();
writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
