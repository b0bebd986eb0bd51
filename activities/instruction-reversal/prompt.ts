// Generator prompts of instruction reversal: code to instruction, then instruction to code.
import type { LlmRequest } from '../../schemas/llm';
import type { CodeWithTests } from '../fim/schema';
import { registerResponseSchema } from '../llm/structured';
import { InstructionReply, RegeneratedCode } from './schema';

export const INSTRUCTION_RESPONSE_SCHEMA = 'reversal_instruction';
export const REGENERATION_RESPONSE_SCHEMA = 'reversal_code';

/** Registers both reply schemas; the worker that runs completeRequests for the generator calls it. */
export function registerReversalResponseSchemas(): void {
  registerResponseSchema(INSTRUCTION_RESPONSE_SCHEMA, InstructionReply);
  registerResponseSchema(REGENERATION_RESPONSE_SCHEMA, RegeneratedCode);
}

export function instructionRequest(record: CodeWithTests): LlmRequest {
  const signature = record.entryPoint ? ` It must name the function \`${record.entryPoint}\` and give its parameters.` : '';
  const prompt = [
    `Here is a ${record.language} program:`,
    '',
    '```' + record.language,
    record.code,
    '```',
    '',
    'Write the instruction a user would give a programmer to get exactly this program: what it must do,',
    `its inputs, outputs and edge cases.${signature} Do not quote the code.`,
    'Reply with a JSON object {"instruction": "..."}.',
  ].join('\n');
  return { id: record.id, messages: [{ role: 'user', content: prompt }], responseSchema: INSTRUCTION_RESPONSE_SCHEMA };
}

/** Builds a request that carries only the instruction, so the code is regenerated from it alone. */
export function regenerationRequest(id: string, instruction: string): LlmRequest {
  const prompt = [
    'Write a complete Python program that follows this instruction.',
    'Reply with a JSON object {"code": "..."} holding only the program, with no Markdown fence.',
    '',
    'Instruction:',
    instruction,
  ].join('\n');
  return { id, messages: [{ role: 'user', content: prompt }], responseSchema: REGENERATION_RESPONSE_SCHEMA };
}
