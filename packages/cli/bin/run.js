#!/usr/bin/env node
// The `mcp` command: oclif finds the commands in ./dist/commands (see "oclif" in package.json).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
