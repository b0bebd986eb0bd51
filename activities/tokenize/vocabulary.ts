// The token vocabulary every corpusflow shard uses: cl100k_base (100,256 byte-pair ranks)
// plus the special tokens phi-4 assigns, padded to 100,352 ids. The special token ids follow
// phi-4's published tokenizer: 100257 `<|endoftext|>` ends each document, 100264–100266 are
// the chatml markers, and the unnamed ids up to 100,351 are padding (phi-4's `<|dummy_N|>`).
// Pure module: the workflow bundle may import it.

/** Number of byte-pair ranks in cl100k_base (ids 0–100,255). */
export const CL100K_RANK_COUNT = 100_256;

/** Embedding rows a trainer allocates: cl100k padded to a multiple of 128, as phi-4 does. */
export const PADDED_VOCAB_SIZE = 100_352;

export const END_OF_DOCUMENT = '<|endoftext|>';
export const IM_START = '<|im_start|>';
export const IM_END = '<|im_end|>';
export const IM_SEP = '<|im_sep|>';

export const SPECIAL_TOKENS: Readonly<Record<string, number>> = Object.freeze({
  [END_OF_DOCUMENT]: 100_257,
  '<|fim_prefix|>': 100_258,
  '<|fim_middle|>': 100_259,
  '<|fim_suffix|>': 100_260,
  [IM_START]: 100_264,
  [IM_END]: 100_265,
  [IM_SEP]: 100_266,
  '<|endofprompt|>': 100_276,
});

export const END_OF_DOCUMENT_ID = SPECIAL_TOKENS[END_OF_DOCUMENT]!;

/**
 * Megatron's indexed dataset stores ids as uint16 when the vocabulary has fewer than 65,500
 * entries and as int32 otherwise (`DType.optimal_dtype` in megatron/core/datasets/indexed_dataset.py).
 */
export type TokenDtype = 'uint16' | 'int32';

export function tokenDtypeFor(vocabSize: number): TokenDtype {
  return vocabSize < 65_500 ? 'uint16' : 'int32';
}
