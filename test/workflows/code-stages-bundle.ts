// Workflow bundle for the FIM and instruction-reversal workflow tests: both workflows and the
// child workflows they start: llmRequests, then nearDedup and decontaminate before publishing.
export { fimExercises } from '../../workflows/fim';
export { instructionReversal } from '../../workflows/instruction-reversal';
export { llmRequests } from '../../workflows/llm-batch';
export { decontaminate, decontaminateBatch } from '../../workflows/decontaminate';
export { nearDedup, nearDedupBatch } from '../../workflows/near-dedup';
