import { logger } from '../cli/logger';

/** Logs a fatal startup or run error in plain words and exits non-zero. */
export function exitOnError(error: unknown): never {
  logger.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
