// Test-only negative control for the replay test: nightlyRefresh as a careless edit would leave
// it, with a timer added before its first activity. Replaying a recorded nightlyRefresh history
// against this file must fail with a nondeterminism error.
import { sleep } from '@temporalio/workflow';
import { nightlyRefresh as releasedNightlyRefresh } from '../../../workflows/nightly-refresh';

export async function nightlyRefresh(rawInput: unknown = {}) {
  await sleep('1 second');
  return releasedNightlyRefresh(rawInput);
}
