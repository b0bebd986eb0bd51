#!/usr/bin/env node
// `corpusflow` command: registers tsx so the TypeScript sources run as they are, then starts the CLI.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
// Commands that follow a run print their own progress and summary; worker logs below
// warnings would bury them. CORPUSFLOW_LOG_LEVEL still wins when it is set.
if (process.argv[2] === 'run') process.env.CORPUSFLOW_LOG_LEVEL ??= 'warn';
await import('./main.ts');
