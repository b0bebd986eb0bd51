// Text normalisation shared by near-duplicate detection and benchmark decontamination, so that
// reformatting (case, punctuation, whitespace, line breaks, compatibility forms and common
// look-alike letters) does not change which word sequences two texts share. Digits are kept
// because numbers often carry the content of a math problem.

// Cyrillic and Greek letters that render like Latin ones. NFKC keeps them apart, so a copied
// text with swapped letters would otherwise escape matching. Lowercase forms only: the map is
// applied after case folding.
const LOOK_ALIKES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y',
  х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g', ı: 'i',
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
};
const LOOK_ALIKE_PATTERN = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'g');

// Zero-width and soft-hyphen characters vanish instead of splitting a word.
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
// Punctuation, symbols and control characters become word breaks.
const SEPARATORS = /[\p{P}\p{S}\p{Cc}\p{Z}\s]+/gu;

/**
 * Normalises text for matching: NFKC, case fold, look-alike letters mapped to Latin,
 * punctuation and symbols replaced by spaces, whitespace collapsed, digits kept.
 */
export function normalizeText(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase().replace(INVISIBLE, '');
  const latin = folded.replace(LOOK_ALIKE_PATTERN, (letter) => LOOK_ALIKES[letter] ?? letter);
  return latin.replace(SEPARATORS, ' ').trim();
}

/** Splits normalised text into words; an empty text has no words. */
export function normalizedWords(text: string): string[] {
  const normalized = normalizeText(text);
  return normalized === '' ? [] : normalized.split(' ');
}
