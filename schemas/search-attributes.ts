// Custom search attributes that let runs be filtered in the Temporal UI (for example
// `CorpusflowStage = "extract"`). A server must register them first: infra/temporal-dev.sh
// does it for the dev server; on a cluster run
// `temporal operator search-attribute create --name CorpusflowStage --type Keyword` (and the others).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const stageAttribute = defineSearchAttributeKey('CorpusflowStage', SearchAttributeType.KEYWORD);
export const datasetAttribute = defineSearchAttributeKey('CorpusflowDataset', SearchAttributeType.KEYWORD);
export const configHashAttribute = defineSearchAttributeKey('CorpusflowConfigHash', SearchAttributeType.KEYWORD);

export const corpusflowSearchAttributes = [stageAttribute, datasetAttribute, configHashAttribute];
