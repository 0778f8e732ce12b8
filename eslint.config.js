// One lint configuration for the whole tree. Typed rules catch what hurts an orchestrator most:
// floating promises, import cycles, value imports used only as types.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/gen/**',
      '**/node_modules/**',
      '.fleet/**',
      '.cache/**',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@mcp/*/src/*'], message: 'Import a package by its name.' }] },
      ],
    },
  },
  {
    // The scheduler is pure: no I/O, no clock, no transport.
    files: ['packages/scheduler/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The scheduler does no I/O.' },
            {
              group: [
                'fs',
                'net',
                'child_process',
                'dockerode',
                'better-sqlite3',
                'drizzle-orm',
                'pino',
                'nice-grpc',
                '@grpc/*',
              ],
              message: 'The scheduler does no I/O.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'Time is an input of the scheduler.' },
        { name: 'process', message: 'The scheduler reads no environment.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Randomness must be seeded from input.' },
      ],
    },
  },
  {
    files: ['packages/edge-agent/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['dockerode', '@mcp/agent'], message: 'The edge agent runs no containers.' },
          ],
          // The edge agent stays small in memory: the scheduler's main entry loads zod.
          paths: [
            { name: '@mcp/scheduler', message: 'Import @mcp/scheduler/routing instead.' },
            { name: 'zod', message: 'The edge agent validates by hand; zod is heavy.' },
          ],
        },
      ],
    },
  },
);
