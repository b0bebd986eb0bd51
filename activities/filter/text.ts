// Splitting text into the units the quality rules count: words, lines and paragraphs.

// Scripts written without spaces between words. The ICU word segmenter splits them by
// dictionary, but it costs about 3 µs per character, so it only gets the tokens that contain them.
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

// A word starts and ends with a letter, mark or digit and may contain apostrophes, hyphens,
// dots and similar joiners inside ("don't", "e-mail", "3.14", "example.com"). Punctuation
// around it is not part of it, the way a word tokenizer separates "world" from "!".
const WORD = /[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}'’\-_.@/&]*[\p{L}\p{M}\p{N}])?/gu;

let segmenter: Intl.Segmenter | undefined;

/** Splits text into words: letter/digit runs, cut further by the ICU segmenter in scripts without spaces. */
export function splitWords(text: string): string[] {
  const tokens = text.match(WORD) ?? [];
  if (!NO_SPACE_SCRIPT.test(text)) return tokens;

  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  const words: string[] = [];
  for (const token of tokens) {
    if (!NO_SPACE_SCRIPT.test(token)) {
      words.push(token);
      continue;
    }
    for (const segment of segmenter.segment(token)) {
      if (segment.isWordLike) words.push(segment.segment);
    }
  }
  return words;
}

/** Lines with their surrounding whitespace removed; blank lines are not lines. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line !== '') lines.push(line);
  }
  return lines;
}

/** Paragraphs are separated by one or more blank lines; returned trimmed, none empty. */
export function splitParagraphs(text: string): string[] {
  const paragraphs: string[] = [];
  for (const raw of text.split(/\n[^\S\n]*\n\s*/)) {
    const paragraph = raw.trim();
    if (paragraph !== '') paragraphs.push(paragraph);
  }
  return paragraphs;
}

/** Counts `needle` occurrences without overlap. */
export function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

const SENTENCE_TERMINAL = /\p{Sentence_Terminal}$/u;
const CLOSING_QUOTE = /["'”’»」』]$/u;

/**
 * Tells whether a line ends a sentence. The last character must have the Unicode
 * Sentence_Terminal property (".", "!", "?", "。", "؟", "।" and others) or be a closing quote,
 * which C4's reference cleaner also accepts. A trailing "..." does not count.
 */
export function endsWithTerminalPunctuation(line: string): boolean {
  const trimmed = line.trimEnd();
  if (trimmed.endsWith('...')) return false;
  return SENTENCE_TERMINAL.test(trimmed) || CLOSING_QUOTE.test(trimmed);
}

/**
 * Returns how many elements repeat an earlier one and their total length in characters. The first
 * occurrence of each value is not counted, so the numbers measure what a dedup would remove.
 */
export function countDuplicates(elements: readonly string[]): { count: number; chars: number } {
  const seen = new Set<string>();
  let count = 0;
  let chars = 0;
  for (const element of elements) {
    if (seen.has(element)) {
      count += 1;
      chars += element.length;
    } else {
      seen.add(element);
    }
  }
  return { count, chars };
}
