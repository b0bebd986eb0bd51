// Activities of the near-duplicate stage, registered by the cpu worker.
export { computeShardSignatures } from './compute-signatures';
export { findBucketCandidates } from './find-bucket-candidates';
export { buildDuplicateClusters } from './build-clusters';
export { removeNearDuplicates } from './remove-near-duplicates';
export { openNearDedupIndex, publishNearDedupIndex } from './publish-index';
