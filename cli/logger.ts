// The process logger (pino). JSON lines by default; CORPUSFLOW_LOG_LEVEL sets the level.
import { pino } from 'pino';

// Logs go to stderr so that stdout carries only command output (summaries, tables).
export const logger = pino(
  {
    name: 'corpusflow',
    level: (process.env.CORPUSFLOW_LOG_LEVEL ?? 'info').toLowerCase(),
  },
  pino.destination(2),
);
