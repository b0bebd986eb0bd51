// Activities registered on the `cpu` task queue. Workflows import this module as types only.
export { planShards } from './plan/plan-shards';
export { hashStageConfig } from './plan/config-hash';
export { extractShard } from './extract/activity';
export { filterShard } from './filter/activity';
export { tokenizeStageShard, computeRunMixture } from './tokenize/pipeline-stage';
export { writeRunManifest } from './report/run-manifest';
export * from './exact-dedup';
export * from './near-dedup';
export * from './decontaminate';
export { writeDatasetManifest } from './dataset';
export * from './mixture';
export * from './midtrain';
export * from './refresh';
