// Configuration of the web quality filters. Every threshold defaults to its published value,
// so `QualityFilterConfig.parse({})` is the configuration the pipeline runs with.
//
// Sources of the defaults:
// - Language ID: fastText lid.176 (Joulin et al., 2016); 0.65 is the minimum top-label score
//   FineWeb keeps English at (Penedo et al., 2024, "The FineWeb Datasets").
// - Gopher quality and repetition: Rae et al., 2021, "Scaling Language Models: Methods,
//   Analysis & Insights from Training Gopher", appendix A.1.1 and Table A1.
// - C4: Raffel et al., 2020, section 2.2, and the reference cleaner `clean_page` in
//   tensorflow_datasets/text/c4_utils.py (line and word limits, policy phrases).
// - FineWeb: Penedo et al., 2024, its three custom filters (0.12, 0.67, 0.01) plus the
//   newline-to-word ratio 0.3 of datatrove's FineWebQualityFilter.
// - Corrupted text: measured on the project's sample pages; the reasoning is in corruption.ts.
import { z } from 'zod';

/** Closed set of rule names a verdict can list, snake_case so per-rule counts group cleanly. */
export const QualityRule = z.enum([
  'empty_text',
  'language_not_allowed',
  'language_score_low',
  'gopher_word_count',
  'gopher_mean_word_length',
  'gopher_hash_word_ratio',
  'gopher_ellipsis_word_ratio',
  'gopher_bullet_lines',
  'gopher_ellipsis_lines',
  'gopher_alpha_words',
  'gopher_stop_words',
  'dup_line_frac',
  'dup_para_frac',
  'dup_line_char_frac',
  'dup_para_char_frac',
  'top_2gram_frac',
  'top_3gram_frac',
  'top_4gram_frac',
  'dup_5gram_frac',
  'dup_6gram_frac',
  'dup_7gram_frac',
  'dup_8gram_frac',
  'dup_9gram_frac',
  'dup_10gram_frac',
  'c4_lorem_ipsum',
  'c4_curly_bracket',
  'c4_too_few_sentences',
  'fineweb_line_punct_ratio',
  'fineweb_short_line_ratio',
  'fineweb_dup_line_char_frac',
  'fineweb_newline_word_ratio',
  'compression_ratio_low',
  'compression_ratio_high',
  'replacement_char_frac',
  'control_char_frac',
  'char_entropy_low',
  'char_entropy_high',
]);
export type QualityRule = z.infer<typeof QualityRule>;

const fraction = z.number().min(0).max(1);

export const LanguageIdConfig = z.object({
  enabled: z.boolean().default(true),
  allowedLanguages: z
    .array(z.string())
    .default([])
    .describe('fastText labels to keep, such as "en" or "zh"; an empty list keeps every language'),
  minScore: fraction.default(0.65).describe('Minimum probability of the top fastText label'),
});

export const GopherQualityConfig = z.object({
  enabled: z.boolean().default(true),
  minWords: z.number().int().nonnegative().default(50),
  maxWords: z.number().int().positive().default(100_000),
  minMeanWordLength: z.number().nonnegative().default(3).describe('Characters'),
  maxMeanWordLength: z.number().positive().default(10).describe('Characters'),
  maxHashWordRatio: z.number().nonnegative().default(0.1).describe('"#" occurrences per word'),
  maxEllipsisWordRatio: z.number().nonnegative().default(0.1).describe('"..." and "…" occurrences per word'),
  maxBulletLinesRatio: fraction.default(0.9),
  maxEllipsisLinesRatio: fraction.default(0.3),
  minAlphaWordsRatio: fraction.default(0.8).describe('Share of whitespace-separated tokens containing a letter'),
  minStopWords: z.number().int().nonnegative().default(2),
  stopWords: z
    .record(z.string(), z.array(z.string()))
    .default({ en: ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'] })
    .describe('Lower-case stop words per fastText label; a language without a list skips the stop-word rule'),
});

// The n ranges match the rule names in QualityRule (top_2gram_frac .. dup_10gram_frac).
const TopNgramThreshold = z.object({ n: z.number().int().min(2).max(4), maxFraction: fraction });
const DupNgramThreshold = z.object({ n: z.number().int().min(5).max(10), maxFraction: fraction });

export const GopherRepetitionConfig = z.object({
  enabled: z.boolean().default(true),
  maxDupLineFrac: fraction.default(0.3),
  maxDupParaFrac: fraction.default(0.3),
  maxDupLineCharFrac: fraction.default(0.2),
  maxDupParaCharFrac: fraction.default(0.2),
  topNgrams: z
    .array(TopNgramThreshold)
    .default([
      { n: 2, maxFraction: 0.2 },
      { n: 3, maxFraction: 0.18 },
      { n: 4, maxFraction: 0.16 },
    ]),
  dupNgrams: z
    .array(DupNgramThreshold)
    .default([
      { n: 5, maxFraction: 0.15 },
      { n: 6, maxFraction: 0.14 },
      { n: 7, maxFraction: 0.13 },
      { n: 8, maxFraction: 0.12 },
      { n: 9, maxFraction: 0.11 },
      { n: 10, maxFraction: 0.1 },
    ]),
});

export const C4Config = z.object({
  enabled: z.boolean().default(true),
  dropLinesWithoutTerminalPunctuation: z.boolean().default(true),
  minWordsPerLine: z.number().int().nonnegative().default(3),
  maxWordLength: z.number().int().positive().default(1000).describe('Characters; a line with a longer word is dropped'),
  minSentences: z.number().int().nonnegative().default(5).describe('Counted over the lines that remain'),
  removeCitations: z.boolean().default(true).describe('Strip Wikipedia markers such as "[12]" and "[edit]"'),
  dropLinesWithJavascript: z.boolean().default(true),
  dropLinesWithPolicy: z.boolean().default(true),
  dropDocumentsWithLoremIpsum: z.boolean().default(true),
  dropDocumentsWithCurlyBracket: z.boolean().default(true),
});

export const FinewebConfig = z.object({
  enabled: z.boolean().default(true),
  minLinePunctRatio: fraction.default(0.12).describe('Share of lines ending in terminal punctuation'),
  maxShortLineRatio: fraction.default(0.67),
  shortLineLength: z.number().int().positive().default(30).describe('Characters; a line this long or shorter is short'),
  maxDupLineCharFrac: fraction.default(0.01),
  maxNewlineWordRatio: z.number().nonnegative().default(0.3),
});

export const CorruptionConfig = z.object({
  enabled: z.boolean().default(true),
  minBytesForCompression: z
    .number()
    .int()
    .nonnegative()
    .default(1000)
    .describe('UTF-8 bytes below which the compression ratio is not measured'),
  minCompressionRatio: z.number().positive().default(1.4).describe('UTF-8 bytes divided by zlib bytes'),
  maxCompressionRatio: z.number().positive().default(8),
  maxReplacementCharFrac: fraction.default(0.001).describe('U+FFFD per character'),
  maxControlCharFrac: fraction.default(0.001).describe('C0/C1 controls other than tab, CR and LF per character'),
  minCharsForEntropy: z.number().int().nonnegative().default(200),
  minCharEntropy: z.number().nonnegative().default(3.5).describe('Bits per character unigram'),
  maxCharEntropy: z.number().nonnegative().default(7.5),
});

const RuleSets = z.object({
  languageId: LanguageIdConfig.default(LanguageIdConfig.parse({})),
  gopherQuality: GopherQualityConfig.default(GopherQualityConfig.parse({})),
  gopherRepetition: GopherRepetitionConfig.default(GopherRepetitionConfig.parse({})),
  c4: C4Config.default(C4Config.parse({})),
  fineweb: FinewebConfig.default(FinewebConfig.parse({})),
  corruption: CorruptionConfig.default(CorruptionConfig.parse({})),
});

// `.partial()` would keep each field's default and so reset every threshold a language does
// not mention. An override therefore needs the same fields with the defaults removed.
function withoutDefaults<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) {
  const fields = Object.entries(schema.shape).map(([key, field]) => {
    const inner = field instanceof z.ZodDefault ? field.unwrap() : field;
    return [key, (inner as z.ZodType).optional()] as const;
  });
  return z.object(Object.fromEntries(fields)) as unknown as z.ZodType<Partial<z.output<z.ZodObject<Shape>>>>;
}

/** Fields one language changes; anything left out keeps the document-wide value. */
export const LanguageOverride = z.object({
  minLanguageScore: fraction.optional(),
  gopherQuality: withoutDefaults(GopherQualityConfig).optional(),
  gopherRepetition: withoutDefaults(GopherRepetitionConfig).optional(),
  c4: withoutDefaults(C4Config).optional(),
  fineweb: withoutDefaults(FinewebConfig).optional(),
  corruption: withoutDefaults(CorruptionConfig).optional(),
});
export type LanguageOverride = z.infer<typeof LanguageOverride>;

// Chinese, Japanese and Thai are written without spaces, so the segmenter yields words of one
// or two characters; the published word-length bounds assume English and would drop every
// such page. Their character entropy is also higher because each character is a morpheme.
const NO_SPACE_LANGUAGE: LanguageOverride = {
  gopherQuality: { minMeanWordLength: 1 },
  corruption: { maxCharEntropy: 11 },
};
// Korean separates words with spaces, but Hangul syllable blocks give it 6.9 bits per
// character on sample pages, close to the 7.5 default bound.
const SYLLABIC_LANGUAGE: LanguageOverride = { corruption: { maxCharEntropy: 11 } };

export const QualityFilterConfig = RuleSets.extend({
  languageOverrides: z
    .record(z.string(), LanguageOverride)
    .default({ zh: NO_SPACE_LANGUAGE, ja: NO_SPACE_LANGUAGE, th: NO_SPACE_LANGUAGE, ko: SYLLABIC_LANGUAGE })
    .describe('Per fastText label, replaces the listed thresholds for documents identified as that language'),
});
export type QualityFilterConfig = z.infer<typeof QualityFilterConfig>;
export type GopherQualityConfig = z.infer<typeof GopherQualityConfig>;
export type GopherRepetitionConfig = z.infer<typeof GopherRepetitionConfig>;
export type C4Config = z.infer<typeof C4Config>;
export type FinewebConfig = z.infer<typeof FinewebConfig>;
export type CorruptionConfig = z.infer<typeof CorruptionConfig>;

/** The rule sets one document is judged by: the defaults with its language's override applied. */
export type ResolvedRules = z.infer<typeof RuleSets>;

/** Applies `languageOverrides[language]`, if any, on top of the document-wide rule sets. */
export function rulesForLanguage(config: QualityFilterConfig, language: string): ResolvedRules {
  const override = config.languageOverrides[language];
  if (!override) return config;
  return {
    languageId: { ...config.languageId, minScore: override.minLanguageScore ?? config.languageId.minScore },
    gopherQuality: { ...config.gopherQuality, ...override.gopherQuality },
    gopherRepetition: { ...config.gopherRepetition, ...override.gopherRepetition },
    c4: { ...config.c4, ...override.c4 },
    fineweb: { ...config.fineweb, ...override.fineweb },
    corruption: { ...config.corruption, ...override.corruption },
  };
}
