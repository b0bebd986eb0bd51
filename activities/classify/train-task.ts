// Worker-thread entry for fastText training. Training is synchronous WASM code, so running it
// here keeps the activity's event loop free to send heartbeats.
import type { FastTextParams } from '../../schemas/quality-classifier';
import { trainSupervised } from './fasttext';
import type { LabelledText } from './fasttext';

export interface TrainTask {
  examples: LabelledText[];
  params: FastTextParams;
  seed: number;
}

export default async function train(task: TrainTask): Promise<Uint8Array> {
  return trainSupervised(task.examples, task.params, task.seed);
}
