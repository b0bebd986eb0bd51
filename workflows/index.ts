// Every workflow type the workers register. The Temporal bundler starts from this file.
export { pipeline, progressQuery } from './pipeline';
export { shardBatch } from './shard-batch';
export { exactDedup, exactDedupBatch } from './exact-dedup';
export { nearDedup, nearDedupBatch } from './near-dedup';
export { decontaminate, decontaminateBatch } from './decontaminate';
export { llmRequests } from './llm-batch';
export { qualityClassifier } from './quality-classifier';
export { fimExercises } from './fim';
export { instructionReversal } from './instruction-reversal';
export { nightlyRefresh } from './nightly-refresh';
export { trainingPreflight } from './training-preflight';
