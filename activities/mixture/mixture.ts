// Mixture arithmetic. A source that supplies `fraction` of `targetTokens` from `uniqueTokens`
// distinct tokens is repeated `fraction × targetTokens / uniqueTokens` times. The phi-4
// technical report (Abdin et al., 2024) trains on about 10T tokens. Its mixture: web 15% of
// 1.3T unique (≈1.2 epochs), web rewrites 15% of 290B (≈5.2), synthetic 40% of 290B (≈13.8),
// code 20% of 820B (≈2.4) and acquired sources 10% of 580B (≈1.7).

export interface SourceInput {
  name: string;
  fraction: number;
  uniqueTokens: number;
  /** Indexed datasets of the source with their token counts; empty for a table-only plan. */
  datasets: Array<{ prefix: string; tokens: number }>;
}

export interface MixtureRowPlan {
  name: string;
  fraction: number;
  uniqueTokens: number;
  epochs: number;
  totalTokens: number;
  datasets: Array<{ prefix: string; tokens: number; weight: number }>;
}

export interface MixturePlan {
  sources: MixtureRowPlan[];
  warnings: string[];
}

/** Fractions may be rounded (0.15 + 0.15 + 0.4 + 0.2 + 0.1) but must sum to 1 within this. */
const FRACTION_TOLERANCE = 1e-6;

export class MixtureError extends Error {}

export function planMixture(sources: SourceInput[], targetTokens: number, maxEpochs: number): MixturePlan {
  const names = new Set<string>();
  for (const source of sources) {
    if (names.has(source.name)) throw new MixtureError(`Mixture source "${source.name}" is listed twice`);
    names.add(source.name);
    if (!(source.uniqueTokens > 0)) {
      throw new MixtureError(`Mixture source "${source.name}" has ${source.uniqueTokens} unique tokens; it needs at least one token`);
    }
  }
  const fractionSum = sources.reduce((sum, source) => sum + source.fraction, 0);
  if (Math.abs(fractionSum - 1) > FRACTION_TOLERANCE) {
    const listed = sources.map((source) => `${source.name}=${source.fraction}`).join(', ');
    throw new MixtureError(`Mixture fractions must sum to 1, found ${fractionSum} (${listed})`);
  }

  const warnings: string[] = [];
  const rows = sources.map((source): MixtureRowPlan => {
    const totalTokens = source.fraction * targetTokens;
    const epochs = totalTokens / source.uniqueTokens;
    if (epochs > maxEpochs) {
      warnings.push(
        `Source "${source.name}" would be repeated ${epochs.toFixed(1)} times (${source.fraction} of ${targetTokens} tokens from ` +
          `${source.uniqueTokens} unique), past the limit of ${maxEpochs} epochs; add unique data or lower its fraction`,
      );
    }
    // Inside a source, each dataset is drawn in proportion to its size, so the source is
    // sampled uniformly. Across sources, the weights equal the mixture fractions.
    const datasetTokens = source.datasets.reduce((sum, dataset) => sum + dataset.tokens, 0);
    const datasets = source.datasets.map((dataset) => ({
      ...dataset,
      weight: datasetTokens > 0 ? (source.fraction * dataset.tokens) / datasetTokens : 0,
    }));
    return { name: source.name, fraction: source.fraction, uniqueTokens: source.uniqueTokens, epochs, totalTokens, datasets };
  });
  return { sources: rows, warnings };
}

/** Megatron-LM's `--data-path` blend: "weight prefix weight prefix …", local paths without `file://`. */
export function megatronDataPath(plan: MixturePlan): string {
  const parts: string[] = [];
  for (const source of plan.sources) {
    for (const dataset of source.datasets) {
      if (dataset.weight <= 0) continue;
      parts.push(`${Number(dataset.weight.toPrecision(10))} ${dataset.prefix.replace(/^file:\/\//, '')}`);
    }
  }
  return parts.join(' ');
}
