// Activities of the nightly refresh, registered on the `cpu` task queue. Workflows import this
// module as types only.
export { selectNewInputs } from './watermark';
export { dedupAgainstPublished, publishVersion } from './publish';
