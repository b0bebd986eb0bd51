// cl100k's pre-tokenizer: splits text into the pieces that byte-pair encoding works on. tiktoken
// does this with the pattern below (Rust `fancy-regex`, leftmost alternative wins). Running it
// as a JavaScript regex costs more than Python tiktoken's whole encoding. So `preTokenEnd`
// implements the same alternatives as a hand-written scanner over a code-point class table,
// and a test checks it against the regex on every fixture and on random text.
//
// Two details of the pattern matter. Rust's `\s` is the Unicode White_Space property, which
// includes U+0085 but not U+FEFF, unlike JavaScript's `\s`, so it is spelled out. And
// `(?i:'s|…)` matches the long s (U+017F) too, the only non-ASCII case variant among s, t, r,
// e, v, m, l and d under Unicode simple case folding.

const WHITESPACE = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** tiktoken's cl100k_base pattern in JavaScript syntax (flags `gu`), the scanner's specification. */
export const PRE_TOKEN_PATTERN = [
  "'(?:[sS\\u017f]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])",
  '[^\\r\\n\\p{L}\\p{N}]?\\p{L}+',
  '\\p{N}{1,3}',
  ` ?[^${WHITESPACE}\\p{L}\\p{N}]+[\\r\\n]*`,
  `[${WHITESPACE}]*[\\r\\n]+`,
  `[${WHITESPACE}]+(?![^${WHITESPACE}])`,
  `[${WHITESPACE}]+`,
].join('|');

const OTHER = 0;
const LETTER = 1;
const NUMBER = 2;
const SPACE = 3;
const NEWLINE = 4;

const letter = /^\p{L}$/u;
const number = /^\p{N}$/u;
const space = new RegExp(`^[${WHITESPACE}]$`, 'u');

function classify(codePoint: number): number {
  if (codePoint === 0x0a || codePoint === 0x0d) return NEWLINE;
  const char = String.fromCodePoint(codePoint);
  if (letter.test(char)) return LETTER;
  if (number.test(char)) return NUMBER;
  if (space.test(char)) return SPACE;
  return OTHER;
}

// Classes of the Basic Multilingual Plane, built once (about 20 ms); astral code points are
// classified on first sight. Lone surrogates classify as OTHER, as in a `u`-flag regex.
// NOTE: \p{L} and \p{N} follow the Unicode version of Node's ICU, and tiktoken follows the
// Rust regex crate's tables. Characters that only one of the two Unicode versions assigns can
// split differently.
const BMP_CLASSES = new Uint8Array(0x10000);
for (let codePoint = 0; codePoint < 0x10000; codePoint++) {
  BMP_CLASSES[codePoint] = codePoint >= 0xd800 && codePoint <= 0xdfff ? OTHER : classify(codePoint);
}
const astralClasses = new Map<number, number>();

/** Class of the code point at `i`; its width in UTF-16 units is `widthAt(text, i)`. */
function classAt(text: string, i: number): number {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff || i + 1 >= text.length) return BMP_CLASSES[unit]!;
  const low = text.charCodeAt(i + 1);
  if (low < 0xdc00 || low > 0xdfff) return OTHER;
  const codePoint = (unit - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  let found = astralClasses.get(codePoint);
  if (found === undefined) {
    found = classify(codePoint);
    astralClasses.set(codePoint, found);
  }
  return found;
}

function widthAt(text: string, i: number): number {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff || i + 1 >= text.length) return 1;
  const low = text.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= 0xdfff ? 2 : 1;
}

function skipClass(text: string, i: number, kind: number): number {
  while (i < text.length && classAt(text, i) === kind) i += widthAt(text, i);
  return i;
}

/** End of `'s`, `'t`, `'re`, `'ve`, `'m`, `'ll` or `'d` (any case) starting at `i`, or -1. */
function contractionEnd(text: string, i: number): number {
  const first = text.charCodeAt(i + 1) | 0x20;
  const second = text.charCodeAt(i + 2) | 0x20;
  if (first === 0x73 || first === 0x74 || first === 0x6d || first === 0x64) return i + 2; // s t m d
  if (text.charCodeAt(i + 1) === 0x017f) return i + 2; // long s
  if ((first === 0x72 || first === 0x76) && second === 0x65) return i + 3; // re ve
  if (first === 0x6c && second === 0x6c) return i + 3; // ll
  return -1;
}

/** Returns where the pre-token starting at `start` ends. Each branch is one alternative of the pattern, in order. */
export function preTokenEnd(text: string, start: number): number {
  const n = text.length;
  const unit = text.charCodeAt(start);
  const kind = classAt(text, start);
  const width = widthAt(text, start);

  if (unit === 0x27 && start + 1 < n) {
    const end = contractionEnd(text, start);
    if (end > 0 && end <= n) return end;
  }
  if (kind === LETTER) return skipClass(text, start + width, LETTER);
  if ((kind === OTHER || kind === SPACE) && start + width < n && classAt(text, start + width) === LETTER) {
    return skipClass(text, start + width, LETTER);
  }
  if (kind === NUMBER) {
    let end = start + width;
    for (let count = 1; count < 3 && end < n && classAt(text, end) === NUMBER; count++) end += widthAt(text, end);
    return end;
  }
  const symbolStart = kind === OTHER ? start : unit === 0x20 && start + 1 < n && classAt(text, start + 1) === OTHER ? start + 1 : -1;
  if (symbolStart >= 0) {
    let end = skipClass(text, symbolStart, OTHER);
    while (end < n && (text.charCodeAt(end) === 0x0a || text.charCodeAt(end) === 0x0d)) end += 1;
    return end;
  }

  // A run of whitespace: up to its last line break if it has one, else all but its last
  // character (which then leads the next pre-token), else the single character.
  let end = start;
  let lastBreak = -1;
  while (end < n) {
    const next = classAt(text, end);
    if (next === NEWLINE) lastBreak = end;
    else if (next !== SPACE) break;
    end += 1;
  }
  if (lastBreak >= 0) return lastBreak + 1;
  if (end === n || end - start === 1) return end;
  return end - 1;
}
