// `corpusflow check-dataset <manifest>`: the check a training launch runs, from the shell, so a
// person can see before a launch whether a dataset may be trained on. It reads storage directly,
// so no Temporal server is needed.
import { Command } from 'commander';
import { checkDatasetForTraining } from '../../activities/dataset';
import { UserError } from '../errors';

async function checkDatasets(manifests: string[], options: { require: string[] }): Promise<void> {
  for (const manifest of manifests) {
    try {
      // The path goes in as typed, so a refusal names the file the way the user wrote it.
      const result = await checkDatasetForTraining({ manifestUri: manifest, requiredBenchmarks: options.require });
      console.log(`ok: ${manifest} was decontaminated against ${result.benchmarks.join(', ')}`);
    } catch (error) {
      throw new UserError((error as Error).message);
    }
  }
}

export function checkDatasetCommand(): Command {
  return new Command('check-dataset')
    .description('Check that datasets carry a decontamination record, as a training launch does')
    .argument('<manifests...>', 'run manifests (<output>/manifest.json), dataset manifests (dataset.manifest.json) or refresh version manifests')
    .option('--require <benchmark>', 'a benchmark set the record must name; repeat for more', (value: string, list: string[]) => [...list, value], [])
    .action(checkDatasets);
}
