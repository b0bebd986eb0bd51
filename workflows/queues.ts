// Task queue names as seen from inside a workflow. Workflows run on the `cpu` queue; a
// deployment (or a test) that prefixes its queues, such as `nightly-cpu`, gets the same prefix
// on the other queues (`nightly-llm`), so activities never leak to another deployment's workers.
import { workflowInfo } from '@temporalio/workflow';

export type ActivityQueue = 'cpu' | 'llm' | 'sandbox' | 'launcher';

export function queueFor(queue: ActivityQueue): string {
  const own = workflowInfo().taskQueue;
  return own.endsWith('cpu') ? `${own.slice(0, -'cpu'.length)}${queue}` : queue;
}
