// Lint rules. The workflows/ override keeps workflow code deterministic: Temporal
// replays it from history, so it must not touch the file system, network or clocks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['node_modules/', '.corpusflow/', '.venv/', 'out/', 'coverage/', '.tmp*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code must not do I/O: move this into an activity.' })),
            { name: 'openai', message: 'Model calls belong in activities on the llm queue.' },
            { name: '@aws-sdk/client-s3', message: 'Storage access belongs in activities.' },
            { name: '@aws-sdk/lib-storage', message: 'Storage access belongs in activities.' },
            { name: '@temporalio/activity', message: 'Import activities as types only.' },
            { name: '@temporalio/client', message: 'Workflows use @temporalio/workflow, not the client.' },
            { name: '@temporalio/worker', message: 'Workflows use @temporalio/workflow, not the worker.' },
          ],
          patterns: [
            { group: ['../activities/*', '../activities/**'], allowTypeImports: true, message: 'Import activities as types only (import type).' },
            { group: ['pino', 'piscina', 'fasttext.wasm.js'], message: 'Workflow code must not do I/O.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'fetch', message: 'Workflow code must not do I/O.' },
        { name: 'process', message: 'Workflow code must not read the environment.' },
      ],
    },
  },
);
