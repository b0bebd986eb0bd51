// Logging that works inside an activity (Temporal's activity logger, which adds workflow and
// activity ids) and outside one (unit tests, benches), where it falls back to the console.
import { Context } from '@temporalio/activity';

type Attributes = Record<string, unknown>;

export interface Logger {
  info(message: string, attributes?: Attributes): void;
  warn(message: string, attributes?: Attributes): void;
}

const consoleLogger: Logger = {
  info: () => undefined,
  warn: (message, attributes) => console.warn(message, attributes ?? {}),
};

export function activityLogger(): Logger {
  try {
    return Context.current().log;
  } catch {
    return consoleLogger;
  }
}

/** Sends a heartbeat when running inside an activity; a no-op elsewhere. */
export function heartbeat(details?: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Not inside an activity.
  }
}
