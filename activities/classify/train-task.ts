// Worker-thread entry for fastText training, so a long synchronous training run never blocks
// the activity's heartbeats.
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
