// Heartbeats from code that also runs outside an activity (benchmarks, unit tests).
import { Context } from '@temporalio/activity';

/** Sends a heartbeat with progress details when called inside an activity; does nothing elsewhere. */
export function heartbeatProgress(details: unknown): void {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return;
  }
  context.heartbeat(details);
}
