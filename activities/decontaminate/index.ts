// Activities of the decontamination stage, registered by the cpu worker.
export { buildBenchmarkIndex } from './build-index';
export { scanShardForBenchmarkNgrams } from './scan-shard';
export { findCommonNgrams } from './common-ngrams';
export { removeContaminatedDocuments } from './remove-contaminated';
export { writeDecontaminationManifest } from './stage-manifest';
