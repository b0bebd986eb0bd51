// Activity context helpers that also work outside a Temporal activity (tests, scripts, bench).
import { Context } from '@temporalio/activity';

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Sends a heartbeat with progress details inside an activity; does nothing elsewhere. */
export function heartbeat(details: unknown): void {
  currentContext()?.heartbeat(details);
}

/** Returns the activity logger inside an activity and the console elsewhere. */
export function activityLog(): Pick<Context['log'], 'info' | 'warn'> {
  return currentContext()?.log ?? console;
}
