// Activities registered on the `llm` task queue. Workflows import this module as types only.
export { completeRequests } from './complete-requests';
export { submitBatch, getBatchStatus, collectBatchResults } from './batch';
