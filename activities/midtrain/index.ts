// Mid-training long-context activities, one per phase, registered by the cpu worker.
export { selectLongContext, selectionPaths } from './select-long-context';
export { packLongContext } from './pack-long-context';
