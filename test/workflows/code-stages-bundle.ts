// Workflow bundle for the FIM and instruction-reversal workflow tests: both workflows and the
// llmRequests child workflow they start.
export { fimExercises } from '../../workflows/fim';
export { instructionReversal } from '../../workflows/instruction-reversal';
export { llmRequests } from '../../workflows/llm-batch';
