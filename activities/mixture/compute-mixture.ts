// The `computeMixture` activity: sums the unique tokens of each source from its token shard
// manifests, computes fractions, epochs and totals for the target budget, and writes the
// mixture manifest (JSON) and Megatron's `--data-path` blend next to it.
import { ApplicationFailure } from '@temporalio/common';
import { ComputeMixtureInput, ComputeMixtureOutput, MixtureManifest } from '../../schemas/mixture';
import { TokenShardManifest } from '../../schemas/tokenize';
import { codeVersion } from '../manifest/code-version';
import { hashConfig } from '../manifest/hash';
import { writeManifest } from '../manifest/store';
import { joinUri, storageFor } from '../storage';
import { activityLog } from '../tokenize/context';
import { MixtureError, megatronDataPath, planMixture, type SourceInput } from './mixture';

export function mixturePaths(outputUri: string) {
  return { manifest: joinUri(outputUri, 'mixture', 'mixture.json'), dataPath: joinUri(outputUri, 'mixture', 'data-path.txt') };
}

async function readTokenShard(uri: string, source: string): Promise<TokenShardManifest> {
  const storage = await storageFor(uri);
  if (!(await storage.stat(uri))) {
    throw ApplicationFailure.nonRetryable(`Token shard manifest ${uri} of mixture source "${source}" was not found`, 'input_not_found');
  }
  const parsed = TokenShardManifest.safeParse(JSON.parse((await storage.readBytes(uri)).toString('utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw ApplicationFailure.nonRetryable(
      `Token shard manifest ${uri} of mixture source "${source}" is invalid at field "${issue?.path.join('.')}": ${issue?.message}`,
      'invalid_manifest',
    );
  }
  return parsed.data;
}

async function loadSource(source: ReturnType<typeof ComputeMixtureInput.parse>['sources'][number]): Promise<SourceInput> {
  const datasets: SourceInput['datasets'] = [];
  for (const uri of source.tokenShardManifests) {
    const shard = await readTokenShard(uri, source.name);
    for (const dataset of shard.datasets) {
      if (dataset.role === 'tokens') datasets.push({ prefix: dataset.prefix, tokens: dataset.tokens });
    }
  }
  const counted = datasets.reduce((sum, dataset) => sum + dataset.tokens, 0);
  return { name: source.name, fraction: source.fraction, uniqueTokens: source.uniqueTokens ?? counted, datasets };
}

export async function computeMixture(rawInput: ComputeMixtureInput): Promise<ComputeMixtureOutput> {
  const params = ComputeMixtureInput.parse(rawInput);
  const sources: SourceInput[] = [];
  for (const source of params.sources) sources.push(await loadSource(source));

  let plan;
  try {
    plan = planMixture(sources, params.targetTokens, params.maxEpochs);
  } catch (error) {
    if (error instanceof MixtureError) throw ApplicationFailure.nonRetryable(error.message, 'invalid_mixture');
    throw error;
  }
  for (const warning of plan.warnings) activityLog().warn(warning);

  const paths = mixturePaths(params.outputUri);
  const dataPath = megatronDataPath(plan);
  const manifest: MixtureManifest = {
    kind: 'mixture',
    targetTokens: params.targetTokens,
    maxEpochs: params.maxEpochs,
    sources: plan.sources,
    warnings: plan.warnings,
    dataPath,
    configHash: hashConfig(params),
    codeVersion: codeVersion(),
    createdAt: new Date().toISOString(),
  };
  // The blend file comes first: the manifest marks the stage complete.
  await (await storageFor(paths.dataPath)).write(paths.dataPath, dataPath + '\n');
  await writeManifest(paths.manifest, manifest);

  return ComputeMixtureOutput.parse({
    manifestUri: paths.manifest,
    dataPathUri: paths.dataPath,
    sources: plan.sources.map(({ datasets: _datasets, ...row }) => row),
    warnings: plan.warnings,
  });
}
