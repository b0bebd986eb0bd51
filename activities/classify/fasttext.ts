// fastText supervised training and prediction through fasttext.wasm.js (fastText compiled to
// WebAssembly). Training is synchronous inside the WASM module, so activities run it in a
// worker thread (see train-pool.ts); prediction takes microseconds and runs anywhere.
// The package's own trainSupervised() downloads its input with fetch(), which Node cannot do for
// local files, so this module writes the training text into the WASM file system directly.
import { FastTextModel, getFastTextModule } from 'fasttext.wasm.js';
import type { FastTextParams } from '../../schemas/quality-classifier';

type FastTextModule = Awaited<ReturnType<typeof getFastTextModule>>;

let fileCounter = 0;

/** The `__label__` prefix fastText uses to tell labels from words. */
export const labelPrefix = '__label__';

/**
 * Normalizes text to one fastText input line: lower case, punctuation split from words, every
 * whitespace run (newlines included, which would end the example) turned into one space.
 */
export function fastTextText(text: string): string {
  return text
    .toLowerCase()
    .replace(/([.,!?;:()[\]{}"'«»“”])/g, ' $1 ')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface LabelledText {
  label: string;
  text: string;
}

/**
 * Trains a softmax classifier and returns the model file's bytes. Deterministic for a seed (one
 * thread). Each call gets a fresh WASM instance (about 60 ms), because with fasttext.wasm.js
 * 1.0.0 a second or third training in one instance, or one after a predict(), can throw a bare
 * C++ exception.
 */
export async function trainSupervised(examples: LabelledText[], params: FastTextParams, seed: number): Promise<Uint8Array> {
  const module = await getFastTextModule();
  return trainOnce(module, examples, params, seed);
}

function trainOnce(module: FastTextModule, examples: LabelledText[], params: FastTextParams, seed: number): Uint8Array {
  fileCounter += 1;
  const trainFile = `/train-${process.pid}-${fileCounter}.txt`;
  const modelFile = `/model-${process.pid}-${fileCounter}.bin`;
  module.FS.writeFile(trainFile, examples.map((example) => `${labelPrefix}${example.label} ${fastTextText(example.text)}`).join('\n') + '\n');

  const args = new module.Args();
  args.input = trainFile;
  args.model = module.ModelName.supervised;
  args.loss = module.LossName.softmax;
  args.epoch = params.epoch;
  args.lr = params.lr;
  args.wordNgrams = params.wordNgrams;
  args.dim = params.dim;
  args.minCount = params.minCount;
  args.bucket = params.bucket;
  args.seed = seed;
  args.thread = 1;
  args.verbose = 0;

  const native = new module.FastText();
  try {
    // The WASM binding calls this progress callback and fails when it is missing.
    native.train(args, () => undefined);
    native.saveModel(modelFile);
    return Uint8Array.from(module.FS.readFile(modelFile));
  } finally {
    for (const file of [trainFile, modelFile]) {
      try {
        module.FS.unlink(file);
      } catch {
        // Not created because training failed.
      }
    }
  }
}

export interface Classifier {
  labels: string[];
  /** Probability of every label, labels without the `__label__` prefix. */
  predict(text: string): Map<string, number>;
}

/** Loads model bytes written by trainSupervised (or any supervised fastText .bin) into a WASM instance of its own. */
export async function loadClassifier(bytes: Uint8Array): Promise<Classifier> {
  const module = await getFastTextModule();
  fileCounter += 1;
  const file = `/load-${process.pid}-${fileCounter}.bin`;
  module.FS.writeFile(file, bytes);
  const native = new module.FastText();
  native.loadModel(file);
  module.FS.unlink(file);
  const model = new FastTextModel(native, module);

  const labelVector = model.getLabels()[0];
  const labels: string[] = [];
  for (let index = 0; index < labelVector.size(); index += 1) labels.push(stripPrefix(labelVector.get(index)));

  return {
    labels,
    predict(text) {
      const predictions = model.predict(fastTextText(text), -1, 0);
      const probabilities = new Map<string, number>(labels.map((label) => [label, 0]));
      for (let index = 0; index < predictions.size(); index += 1) {
        const [probability, label] = predictions.get(index);
        probabilities.set(stripPrefix(label), probability);
      }
      // The vector lives on the WASM heap until deleted.
      (predictions as { delete?: () => void }).delete?.();
      return probabilities;
    },
  };
}

function stripPrefix(label: string): string {
  return label.startsWith(labelPrefix) ? label.slice(labelPrefix.length) : label;
}
