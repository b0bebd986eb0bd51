// The mixture activity, registered by the cpu worker.
export { computeMixture, mixturePaths } from './compute-mixture';
