// Activities of the exact-dedup stage, registered by the cpu worker.
export { hashShardDocuments } from './hash-shard';
export { findExactDuplicates } from './find-duplicates';
export { removeExactDuplicates } from './remove-duplicates';
