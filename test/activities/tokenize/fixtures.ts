// Texts for tokenizer tests: real documents from the shared data folder plus hand-written
// hard cases (emoji, CJK, combining marks, unusual whitespace, literal special tokens).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');
export const python = path.join(repoRoot, '.venv/bin/python');

export const HARD_CASES: Record<string, string> = {
  emoji: 'Family 👨‍👩‍👧‍👦, flags 🇯🇵🇩🇪, thumbs 👍🏽 and a lone 🫠 at the end🎉',
  cjk: '漢字とかなカナ、한국어 문장, 中文句子。全角ＡＢＣ１２３',
  combiningMarks: 'e\u0301 a\u0308 n\u0303 Z\u0324\u0354\u0367\u0311a\u0356\u032d\u0308 क्षत्रिय ภาษาไทย',
  unusualWhitespace: 'a\u00a0b\u2003c\u3000d \t\v\f\r\ne\u0085f\u2028g\u2029h\ufeffi\u200bj  \n\n\u0085\u0085 k\u00a0\u00a0',
  specialTokenLiterals:
    '<|endoftext|> then <|im_start|>user<|im_sep|>hi<|im_end|> and <|fim_prefix|><|fim_middle|><|fim_suffix|><|endofprompt|><|im_end',
  contractions: "It'S he'LL we'Re they'VE I'M she'D 'ſa Don't",
  numbers: '1234567890 ١٢٣٤٥ 3.14159e-10 0x1F',
  longRun: 'a'.repeat(3000) + ' ' + '!?'.repeat(700) + ' ' + 'ab'.repeat(900),
  base64Blob: Buffer.from(Array.from({ length: 6000 }, (_, i) => (i * 7919 + 13) % 256)).toString('base64'),
};

// Characters chosen to hit every alternative and boundary of cl100k's pre-token pattern,
// including lone surrogates (which become U+FFFD bytes when encoded).
export const ALPHABET = [
  'a', 'Z', 'é', 'ß', 'ſ', 'ǅ', '中', 'ア', '\u0301', '1', '٣', 'Ⅻ', '½', '𝟙', ' ', '  ', '\t', '\n', '\r', '\r\n',
  '\u0085', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u200b', "'", "'s", "'S", "'ll", "'Re", "'ve", "'d", "'m", "'t",
  '.', ',', '!', '?', '-', '<|', '|>', '😀', '👍🏽', '\ud800', '\udc00', '$', '_', '"', '/',
];

/** Deterministic random text of `length` alphabet entries. */
export function randomText(seed: number, length: number, alphabet = ALPHABET): string {
  let state = seed;
  let text = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    text += alphabet[(state >>> 8) % alphabet.length];
  }
  return text;
}

/** Real documents: whatlang sentences, benchmark JSON Lines records and annotated article text. */
export function sharedDocuments(): Array<{ name: string; text: string }> {
  const documents: Array<{ name: string; text: string }> = [];
  const sentences = JSON.parse(readFileSync(path.join(sharedData, 'multilingual/whatlang-examples.json'), 'utf8')) as Record<string, string>;
  for (const [language, text] of Object.entries(sentences)) documents.push({ name: `multilingual/${language}`, text });

  const gsm8k = readFileSync(path.join(sharedData, 'bench/gsm8k/test.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 40);
  gsm8k.forEach((line, index) => documents.push({ name: `gsm8k/${index}`, text: line }));
  const humaneval = gunzipSync(readFileSync(path.join(sharedData, 'bench/humaneval/HumanEval.jsonl.gz'))).toString('utf8').split('\n').filter(Boolean);
  humaneval.slice(0, 20).forEach((line, index) => {
    const record = JSON.parse(line) as { prompt: string; canonical_solution: string };
    documents.push({ name: `humaneval/${index}`, text: record.prompt + record.canonical_solution });
  });

  const aeb = path.join(sharedData, 'web/aeb');
  for (const file of readdirSync(aeb).filter((name) => name.endsWith('.gold.txt')).sort().slice(0, 15)) {
    documents.push({ name: `aeb/${file}`, text: readFileSync(path.join(aeb, file), 'utf8') });
  }
  return documents;
}

/** Ids from OpenAI's Python tiktoken for each text, computed in one process. */
export function pythonTiktokenIds(texts: string[]): number[][] {
  const output = execFileSync(python, [path.join(repoRoot, 'bench/tokenize_peer.py'), 'ids'], {
    cwd: repoRoot,
    input: JSON.stringify(texts),
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(output.toString('utf8')) as number[][];
}
