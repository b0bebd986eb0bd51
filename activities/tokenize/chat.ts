// Chat rendering in phi-4's chatml form, `<|im_start|>{role}<|im_sep|>{content}<|im_end|>`,
// used wherever SFT conversations or DPO preference pairs are tokenized. Message text is
// always encoded as plain text, so a conversation that quotes `<|im_end|>` cannot end a turn.
import type { ChatMessage, PreferencePair } from '../../schemas/tokenize';
import type { Cl100kEncoder } from './cl100k';
import { IM_END, IM_SEP, IM_START, SPECIAL_TOKENS } from './vocabulary';

const IM_START_ID = SPECIAL_TOKENS[IM_START]!;
const IM_SEP_ID = SPECIAL_TOKENS[IM_SEP]!;
const IM_END_ID = SPECIAL_TOKENS[IM_END]!;

export interface RenderedChat {
  ids: number[];
  /** 1 where the trainer computes loss (assistant content and its `<|im_end|>`), else 0. */
  lossMask: number[];
}

function appendHeader(encoder: Cl100kEncoder, role: string, chat: RenderedChat): void {
  const header = [IM_START_ID, ...encoder.encode(role), IM_SEP_ID];
  chat.ids.push(...header);
  for (let i = 0; i < header.length; i++) chat.lossMask.push(0);
}

/**
 * Renders a conversation to token ids with a loss mask on assistant turns only. The header
 * `<|im_start|>assistant<|im_sep|>` is masked out because the trainer supplies it at inference;
 * the closing `<|im_end|>` is learned so the model learns when to stop.
 */
export function renderChat(encoder: Cl100kEncoder, messages: ChatMessage[]): RenderedChat {
  const chat: RenderedChat = { ids: [], lossMask: [] };
  for (const message of messages) {
    appendHeader(encoder, message.role, chat);
    const body = encoder.encode(message.content);
    body.push(IM_END_ID);
    const weight = message.role === 'assistant' ? 1 : 0;
    for (const id of body) {
      chat.ids.push(id);
      chat.lossMask.push(weight);
    }
  }
  return chat;
}

export interface RenderedPreference {
  /** The prompt turns followed by the open assistant header the completions continue. */
  prompt: number[];
  chosen: number[];
  rejected: number[];
}

function completionIds(encoder: Cl100kEncoder, completion: string | ChatMessage[]): number[] {
  if (typeof completion === 'string') return [...encoder.encode(completion), IM_END_ID];
  const rendered = renderChat(encoder, completion).ids;
  // A conversational completion starts with its own assistant header, already in the prompt.
  const headerLength = 2 + encoder.encode(completion[0]?.role ?? 'assistant').length;
  return rendered.slice(headerLength);
}

/**
 * Renders a preference pair in the form TRL's DPO trainer reads: prompt ids ending in the
 * assistant header, and the chosen and rejected completions each ending in `<|im_end|>`.
 */
export function renderPreference(encoder: Cl100kEncoder, pair: PreferencePair): RenderedPreference {
  const promptMessages: ChatMessage[] = typeof pair.prompt === 'string' ? [{ role: 'user', content: pair.prompt }] : pair.prompt;
  const prompt = renderChat(encoder, promptMessages);
  appendHeader(encoder, 'assistant', prompt);
  return {
    prompt: prompt.ids,
    chosen: completionIds(encoder, pair.chosen),
    rejected: completionIds(encoder, pair.rejected),
  };
}
