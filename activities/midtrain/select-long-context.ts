// The `selectLongContext` activity: reads the `.idx` of every token dataset of the configured
// sources, keeps documents of at least minTokens, weights those of at least upweightMinTokens,
// and writes a plan of document copies that fills the token budget. Only eligible documents
// are held in memory (a few dozen bytes each), never their tokens.
import { ApplicationFailure } from '@temporalio/common';
import {
  SelectLongContextInput,
  SelectLongContextOutput,
  SelectionManifest,
  type LongContextOptions,
  type SourceSelectionStats,
} from '../../schemas/midtrain';
import { TokenShardManifest } from '../../schemas/tokenize';
import { codeVersion } from '../manifest/code-version';
import { hashConfig } from '../manifest/hash';
import { readManifest, writeManifest } from '../manifest/store';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { joinUri } from '../storage';
import { activityLog, heartbeat } from '../tokenize/context';
import { readIndex } from '../tokenize/indexed-dataset';
import { assignCopies, copiesScale, documentWeight, type CandidateDocument } from './selection';

export function selectionPaths(outputUri: string) {
  return { plan: joinUri(outputUri, 'midtrain', 'selection.jsonl.gz'), manifest: joinUri(outputUri, 'midtrain', 'selection.manifest.json') };
}

interface EligibleDataset {
  source: string;
  prefix: string;
  sequences: number[];
  lengths: number[];
}

async function loadEligible(source: string, manifestUris: string[], options: LongContextOptions, stats: SourceSelectionStats): Promise<EligibleDataset[]> {
  const datasets: EligibleDataset[] = [];
  for (const uri of manifestUris) {
    const manifest = await readManifest(uri, TokenShardManifest);
    if (!manifest) {
      throw ApplicationFailure.nonRetryable(`Token shard manifest ${uri} of source "${source}" is missing or invalid`, 'input_not_found');
    }
    for (const dataset of manifest.datasets.filter((item) => item.role === 'tokens')) {
      const index = await readIndex(dataset.prefix);
      const eligible: EligibleDataset = { source, prefix: dataset.prefix, sequences: [], lengths: [] };
      for (let sequence = 0; sequence < index.lengths.length; sequence++) {
        const tokens = index.lengths[sequence]!;
        stats.documents += 1;
        const weight = documentWeight(tokens, options);
        if (weight === 0) continue;
        stats.eligibleDocuments += 1;
        stats.eligibleTokens += tokens;
        if (weight !== 1) stats.upweightedDocuments += 1;
        eligible.sequences.push(sequence);
        eligible.lengths.push(tokens);
      }
      datasets.push(eligible);
      heartbeat({ source, dataset: dataset.prefix });
    }
  }
  return datasets;
}

function* candidates(datasets: EligibleDataset[]): Iterable<CandidateDocument> {
  for (const dataset of datasets) {
    for (let i = 0; i < dataset.sequences.length; i++) {
      yield { source: dataset.source, prefix: dataset.prefix, sequence: dataset.sequences[i]!, tokens: dataset.lengths[i]! };
    }
  }
}

export async function selectLongContext(rawInput: SelectLongContextInput): Promise<SelectLongContextOutput> {
  const params = SelectLongContextInput.parse(rawInput);
  const { options } = params;
  const paths = selectionPaths(params.outputUri);
  const configHash = hashConfig(params);

  // NOTE: reuse checks the config hash only; rewritten token shards need a new output prefix.
  const existing = await readManifest(paths.manifest, SelectionManifest);
  if (existing && existing.configHash === configHash) {
    activityLog().info('Selection manifest matches; skipping long-context selection', { manifest: paths.manifest });
    return { planUri: paths.plan, manifestUri: paths.manifest, selectedTokens: existing.selectedTokens, sources: existing.sources };
  }

  const datasets: EligibleDataset[] = [];
  const stats: SourceSelectionStats[] = [];
  for (const name of options.sources) {
    const source = params.sources.find((item) => item.name === name);
    if (!source) {
      const available = params.sources.map((item) => item.name).join(', ');
      throw ApplicationFailure.nonRetryable(`Long-context source "${name}" has no token shards; sources given: ${available}`, 'invalid_config');
    }
    const sourceStats: SourceSelectionStats = { source: name, documents: 0, eligibleDocuments: 0, upweightedDocuments: 0, eligibleTokens: 0, selectedCopies: 0, selectedTokens: 0 };
    datasets.push(...(await loadEligible(name, source.tokenShardManifests, options, sourceStats)));
    stats.push(sourceStats);
  }

  const documents = Array.from(candidates(datasets));
  const copies = assignCopies(documents, copiesScale(documents, options), options);
  const plan = await JsonlShardWriter.open(paths.plan);
  for (const [index, document] of documents.entries()) {
    if (copies[index] === 0) continue;
    const sourceStats = stats.find((item) => item.source === document.source)!;
    sourceStats.selectedCopies += copies[index]!;
    sourceStats.selectedTokens += copies[index]! * document.tokens;
    await plan.write({ prefix: document.prefix, sequence: document.sequence, tokens: document.tokens, copies: copies[index] });
  }
  const planFile = await plan.close();
  const selectedTokens = stats.reduce((sum, item) => sum + item.selectedTokens, 0);

  const manifest: SelectionManifest = {
    kind: 'midtrain-selection',
    options,
    configHash,
    codeVersion: codeVersion(),
    plan: { uri: planFile.uri, bytes: planFile.bytes, sha256: planFile.sha256, records: planFile.records },
    selectedTokens,
    sources: stats,
    createdAt: new Date().toISOString(),
  };
  await writeManifest(paths.manifest, manifest);
  activityLog().info('Long-context documents selected', { selectedTokens, budgetTokens: options.budgetTokens, plan: paths.plan });
  return SelectLongContextOutput.parse({ planUri: paths.plan, manifestUri: paths.manifest, selectedTokens, sources: stats });
}
