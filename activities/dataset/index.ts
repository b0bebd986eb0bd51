// Dataset manifests and the training-launch check. writeDatasetManifest runs on the cpu queue,
// checkDatasetForTraining on the launcher queue.
export { writeDatasetManifest } from './write-dataset-manifest';
export { checkDatasetForTraining } from './preflight';
