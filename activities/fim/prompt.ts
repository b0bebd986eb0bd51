// The generator prompt for a FIM exercise and the registration of its reply schema.
import type { LlmRequest } from '../../schemas/llm';
import { registerResponseSchema } from '../llm/structured';
import { FIM_MARKER } from './spans';
import { FimGuess, type FimCandidate } from './schema';

export const FIM_RESPONSE_SCHEMA = 'fim_guess';

/** Registers the reply schema; the worker that runs completeRequests for the generator calls it. */
export function registerFimResponseSchemas(): void {
  registerResponseSchema(FIM_RESPONSE_SCHEMA, FimGuess);
}

export function fimPrompt(candidate: FimCandidate): string {
  const lines = candidate.removed.split('\n').length;
  return [
    `The ${candidate.record.language} program below had ${lines === 1 ? 'one line' : `${lines} consecutive lines`} of code deleted.`,
    `The line "${FIM_MARKER}" marks where they were.`,
    '',
    '```' + candidate.record.language,
    candidate.excerpt,
    '```',
    '',
    'Reply with a JSON object with three string fields:',
    '- "background": what the program is for and what the missing code has to do;',
    '- "reasoning": how you derive the missing code, step by step;',
    `- "guess": only the missing code, which replaces the "${FIM_MARKER}" line, with no Markdown fence.`,
  ].join('\n');
}

export function fimRequest(candidate: FimCandidate): LlmRequest {
  return {
    id: candidate.id,
    messages: [
      { role: 'system', content: 'You reconstruct deleted code exactly, so that the program passes its tests.' },
      { role: 'user', content: fimPrompt(candidate) },
    ],
    responseSchema: FIM_RESPONSE_SCHEMA,
  };
}
