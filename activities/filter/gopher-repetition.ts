// Gopher repetition rules: Rae et al., 2021, "Scaling Language Models: Methods, Analysis &
// Insights from Training Gopher", appendix A.1.1 and Table A1. Duplicate lines and duplicate
// paragraphs may be at most 0.30 of their count and 0.20 of the characters each. The most
// frequent 2-, 3- and 4-gram may cover at most 0.20, 0.18 and 0.16 of the characters, and
// repeated 5- to 10-grams at most 0.15, 0.14, 0.13, 0.12, 0.11 and 0.10.
//
// Counting choices the paper leaves open:
// - Blank lines are not lines, so spacing between paragraphs never counts as duplication.
// - A duplicate is an occurrence after the first, the part a dedup would remove.
// - N-gram fractions are over word characters (separators and punctuation excluded), which
//   works the same for scripts written without spaces. A word covered by several repeated
//   n-grams counts once.
import type { GopherRepetitionConfig, QualityRule } from './config';
import { countDuplicates, splitLines, splitParagraphs } from './text';
import { RuleReport } from './verdict';

/** Measures `text` against the Gopher repetition rules; `words` come from splitWords(text). */
export function checkGopherRepetition(
  text: string,
  words: readonly string[],
  config: GopherRepetitionConfig,
): RuleReport {
  const report = new RuleReport();
  const textLength = Math.max(1, text.length);

  const lines = splitLines(text);
  const lineDuplicates = countDuplicates(lines);
  report.atMost('dup_line_frac', lineDuplicates.count / Math.max(1, lines.length), config.maxDupLineFrac);
  report.atMost('dup_line_char_frac', lineDuplicates.chars / textLength, config.maxDupLineCharFrac);

  const paragraphs = splitParagraphs(text);
  const paragraphDuplicates = countDuplicates(paragraphs);
  report.atMost('dup_para_frac', paragraphDuplicates.count / Math.max(1, paragraphs.length), config.maxDupParaFrac);
  report.atMost('dup_para_char_frac', paragraphDuplicates.chars / textLength, config.maxDupParaCharFrac);

  // The index extends its hashes from n-1 to n, so every n-gram rule runs in increasing n.
  const ngrams = new NgramIndex(words);
  const ngramRules = [
    ...config.topNgrams.map((limit) => ({ ...limit, top: true })),
    ...config.dupNgrams.map((limit) => ({ ...limit, top: false })),
  ].sort((a, b) => a.n - b.n);
  for (const { n, maxFraction, top } of ngramRules) {
    if (top) report.atMost(`top_${n}gram_frac` as QualityRule, ngrams.topNgramFraction(n), maxFraction);
    else report.atMost(`dup_${n}gram_frac` as QualityRule, ngrams.duplicateNgramFraction(n), maxFraction);
  }
  return report;
}

// Two polynomial hashes over word ids identify an n-gram; both must match, so a false match
// needs a collision in both at once. Each step multiplies a value below 2^31 by a base below
// 2^21, so no product loses precision in a double.
const MOD_A = 2_147_483_647;
const MOD_B = 2_147_483_629;
const BASE_A = 1_048_573;
const BASE_B = 1_048_571;

/**
 * Hashes of every n-gram of a word sequence, extended from n-1 to n on demand, and an
 * open-addressing table over them. Typed arrays instead of a Map keep this allocation-free
 * per n-gram, which matters because every document is scanned for nine values of n.
 */
class NgramIndex {
  private readonly ids: Int32Array;
  private readonly prefixChars: Float64Array;
  private readonly hashA: Float64Array;
  private readonly hashB: Float64Array;
  /** Position + 1 of the n-gram that owns each slot; 0 marks an empty slot. */
  private readonly owners: Int32Array;
  private readonly counts: Int32Array;
  private readonly mask: number;
  private hashedLength = 0;

  constructor(words: readonly string[]) {
    const idOf = new Map<string, number>();
    this.ids = new Int32Array(words.length);
    this.prefixChars = new Float64Array(words.length + 1);
    words.forEach((word, index) => {
      let id = idOf.get(word);
      if (id === undefined) {
        id = idOf.size + 1;
        idOf.set(word, id);
      }
      this.ids[index] = id;
      this.prefixChars[index + 1] = this.prefixChars[index]! + word.length;
    });
    this.hashA = new Float64Array(words.length);
    this.hashB = new Float64Array(words.length);

    // At most half full, so probe runs stay short.
    let capacity = 16;
    while (capacity < words.length * 2) capacity *= 2;
    this.owners = new Int32Array(capacity);
    this.counts = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  private get totalChars(): number {
    return this.prefixChars[this.ids.length]!;
  }

  /** Extends the hashes to n-grams, clears the table and returns how many n-grams there are. */
  private prepare(n: number): number {
    if (n < this.hashedLength) throw new Error(`n-grams must be requested in increasing n, got ${n} after ${this.hashedLength}`);
    for (; this.hashedLength < n; this.hashedLength += 1) {
      const offset = this.hashedLength;
      for (let i = 0; i + offset < this.ids.length; i += 1) {
        const id = this.ids[i + offset]!;
        this.hashA[i] = (this.hashA[i]! * BASE_A + id) % MOD_A;
        this.hashB[i] = (this.hashB[i]! * BASE_B + id) % MOD_B;
      }
    }
    this.owners.fill(0);
    this.counts.fill(0);
    return Math.max(0, this.ids.length - n + 1);
  }

  /** Returns the table slot of the n-gram starting at `position`, claiming an empty one. */
  private slotOf(position: number): number {
    const a = this.hashA[position]!;
    const b = this.hashB[position]!;
    let slot = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const owner = this.owners[slot]!;
      if (owner === 0) {
        this.owners[slot] = position + 1;
        return slot;
      }
      if (this.hashA[owner - 1] === a && this.hashB[owner - 1] === b) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Returns the share of word characters in all occurrences of the most frequent n-gram, or 0 when none repeats. */
  topNgramFraction(n: number): number {
    const count = this.prepare(n);
    let bestCount = 1;
    let bestChars = 0;
    for (let i = 0; i < count; i += 1) {
      const slot = this.slotOf(i);
      const seen = this.counts[slot]! + 1;
      this.counts[slot] = seen;
      const chars = this.prefixChars[i + n]! - this.prefixChars[i]!;
      if (seen > bestCount || (seen === bestCount && seen > 1 && chars > bestChars)) {
        bestCount = seen;
        bestChars = chars;
      }
    }
    return bestCount > 1 ? (bestCount * bestChars) / Math.max(1, this.totalChars) : 0;
  }

  /** Returns the share of word characters inside any n-gram occurrence after its first. */
  duplicateNgramFraction(n: number): number {
    const count = this.prepare(n);
    let covered = 0;
    let coveredUntil = 0;
    for (let i = 0; i < count; i += 1) {
      const slot = this.slotOf(i);
      if (this.counts[slot] === 0) {
        this.counts[slot] = 1;
        continue;
      }
      const from = Math.max(i, coveredUntil);
      covered += this.prefixChars[i + n]! - this.prefixChars[from]!;
      coveredUntil = i + n;
    }
    return covered / Math.max(1, this.totalChars);
  }
}
