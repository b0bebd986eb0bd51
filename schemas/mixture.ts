// Schemas of the data mixture: which share of the training tokens each source supplies, and
// the manifest a trainer reads. Pure module.
import { z } from 'zod';

export const MixtureSource = z
  .object({
    name: z.string().min(1),
    fraction: z.number().positive().max(1).describe('Share of the training tokens drawn from this source, 0–1'),
    uniqueTokens: z
      .number()
      .positive()
      .optional()
      .describe('Unique tokens in the source; summed from the token shard manifests when omitted'),
    tokenShardManifests: z
      .array(z.string())
      .default([])
      .describe('URIs of tokenize-stage shard manifests whose token datasets make up the source'),
  })
  .refine((source) => source.uniqueTokens !== undefined || source.tokenShardManifests.length > 0, {
    message: 'give uniqueTokens or at least one token shard manifest',
  });
export type MixtureSource = z.input<typeof MixtureSource>;

export const MixtureOptions = z.object({
  targetTokens: z.number().positive().default(10e12).describe('Training tokens the mixture must supply (phi-4: about 10T)'),
  maxEpochs: z
    .number()
    .positive()
    .default(4)
    .describe('Epochs past which a source draws a warning; repeating data up to ~4 times costs little (Muennighoff et al., 2023)'),
});

export const ComputeMixtureInput = MixtureOptions.extend({
  sources: z.array(MixtureSource).min(1),
  outputUri: z.string().describe('Run output prefix; the manifest goes to <outputUri>/mixture/'),
});
export type ComputeMixtureInput = z.input<typeof ComputeMixtureInput>;

export const MixtureDataset = z.object({
  prefix: z.string().describe('Indexed dataset path without extension'),
  tokens: z.number().int().nonnegative(),
  weight: z.number().nonnegative().describe('Blend weight: the share of all training tokens drawn from this dataset'),
});
export type MixtureDataset = z.infer<typeof MixtureDataset>;

export const MixtureRow = z.object({
  name: z.string(),
  fraction: z.number(),
  uniqueTokens: z.number(),
  epochs: z.number().describe('How many times the source is repeated: totalTokens / uniqueTokens'),
  totalTokens: z.number().describe('Tokens drawn from the source: fraction × targetTokens'),
  datasets: z.array(MixtureDataset),
});
export type MixtureRow = z.infer<typeof MixtureRow>;

export const MixtureManifest = z.object({
  kind: z.literal('mixture'),
  targetTokens: z.number(),
  maxEpochs: z.number(),
  sources: z.array(MixtureRow),
  warnings: z.array(z.string()),
  dataPath: z.string().describe("Megatron's --data-path blend: weight and prefix pairs"),
  configHash: z.string(),
  codeVersion: z.string(),
  createdAt: z.string(),
});
export type MixtureManifest = z.infer<typeof MixtureManifest>;

export const ComputeMixtureOutput = z.object({
  manifestUri: z.string(),
  dataPathUri: z.string(),
  sources: z.array(MixtureRow.omit({ datasets: true })),
  warnings: z.array(z.string()),
});
export type ComputeMixtureOutput = z.infer<typeof ComputeMixtureOutput>;
