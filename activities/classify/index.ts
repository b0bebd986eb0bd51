// Quality-classifier activities. sampleForAnnotation, trainFromAnnotations, trainFromReferences
// and scoreQualityShard belong on the `cpu` queue; the annotation itself runs through the
// llmRequests workflow on the `llm` queue. Workflows import this module as types only.
export { sampleForAnnotation } from './sample';
export { trainFromAnnotations, trainFromReferences } from './train';
export { scoreQualityShard } from './score';
