// Language identification with fastText's lid.176 model (Joulin et al., 2016, "Bag of Tricks
// for Efficient Text Classification"; 176 languages, labels are Wikipedia language codes such
// as "en", "zh", "sh"). fasttext.wasm.js 1.0.0 ships the quantised lid.176.ftz inside the
// package and reads it from node_modules, so nothing is downloaded at run time. Its Node build
// checks for `importScripts`, which worker_threads do not define, so each worker thread loads
// its own copy (about 60 ms and 20 MB) through the same Node path as the main thread.
import { getLIDModel } from 'fasttext.wasm.js';
import { createRequire } from 'node:module';

export interface LanguageGuess {
  /** fastText label without the `__label__` prefix; "und" when the text has no words. */
  language: string;
  /** Probability of the top label, 0 to 1. */
  score: number;
}

type LidModel = Awaited<ReturnType<Awaited<ReturnType<typeof getLIDModel>>['load']>>;

let modelLoad: Promise<LidModel> | undefined;

/** Loads lid.176 once per thread; later calls return the same model. */
export function loadLanguageModel(): Promise<LidModel> {
  modelLoad ??= getLIDModel().then((model) => model.load());
  modelLoad.catch(() => {
    modelLoad = undefined;
  });
  return modelLoad;
}

const LABEL_PREFIX = '__label__';

/**
 * Returns the top label and its probability. fastText reads one line at a time, so newlines
 * and other whitespace runs become single spaces first. A short or mixed-script text gets
 * whatever low score the model gives it; no label is forced.
 */
export function identifyLanguage(model: LidModel, text: string): LanguageGuess {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return { language: 'und', score: 0 };

  const predictions = model.predict(line, 1, 0);
  try {
    const [score, label] = predictions.get(0);
    return { language: label.startsWith(LABEL_PREFIX) ? label.slice(LABEL_PREFIX.length) : label, score };
  } finally {
    // The vector lives in the WebAssembly heap; without delete() every call leaks it.
    predictions.delete();
  }
}

// ISO 639-3 codes of individual languages whose lid.176 label stands for the macrolanguage.
const INDIVIDUAL_TO_LABEL: Record<string, string> = { cmn: 'zh', nob: 'no', pes: 'fa', ori: 'or', arb: 'ar', zsm: 'ms' };

let labelByIso639_3: Map<string, string> | undefined;

/** Maps an ISO 639-3 code to the lid.176 label, or undefined when lid.176 has no such language. */
export function fastTextLabelForIso639_3(code: string): string | undefined {
  if (labelByIso639_3 === undefined) {
    // The package's table of its 176 labels with their ISO 639 codes.
    const require = createRequire(import.meta.url);
    const languages = require('fasttext.wasm.js/dist/models/language-identification/assets/languages.json') as Record<
      string,
      { alpha3: string }
    >;
    labelByIso639_3 = new Map(Object.entries(languages).map(([label, names]) => [names.alpha3, label]));
  }
  return INDIVIDUAL_TO_LABEL[code] ?? labelByIso639_3.get(code);
}
