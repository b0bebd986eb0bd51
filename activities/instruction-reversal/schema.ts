// Records and activity boundaries of the instruction-reversal stage. Pure module.
import { z } from 'zod';
import { StageStats } from '../../schemas/stats';
import { CodeSourceFormat } from '../fim/schema';
import { SandboxLimits } from '../sandbox/schema';

export const InstructionReply = z.object({
  instruction: z.string().min(1).describe('What a user would ask for to get the program, with the function name and signature'),
});
export type InstructionReply = z.infer<typeof InstructionReply>;

export const RegeneratedCode = z.object({
  code: z.string().min(1).describe('The complete program written from the instruction alone'),
});
export type RegeneratedCode = z.infer<typeof RegeneratedCode>;

export const ReversalSettings = z.object({
  minFidelity: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe("Share of the original's test cases the regenerated code must pass for the pair to be kept"),
  limits: SandboxLimits.partial().default({}),
});
export type ReversalSettings = z.infer<typeof ReversalSettings>;

export const PrepareReversalInput = z.object({
  inputUri: z.string().describe('JSON Lines (plain or .gz) of programs with tests'),
  format: CodeSourceFormat.default('code_with_tests'),
  outputUri: z.string().describe('Stage folder; every file of the stage goes under it'),
  settings: ReversalSettings.prefault({}),
});
export type PrepareReversalInput = z.input<typeof PrepareReversalInput>;

export const PrepareReversalOutput = z.object({
  programsUri: z.string().describe('CodeWithTests lines whose original code passes its tests'),
  requestsUri: z.string().describe('Generator requests for an instruction per program'),
  programs: z.number().int().nonnegative(),
  stats: StageStats,
  originalOutcomes: z.record(z.string(), z.number().int().nonnegative()).describe('Sandbox outcome counts of the original programs against their own tests'),
});
export type PrepareReversalOutput = z.infer<typeof PrepareReversalOutput>;

export const BuildRegenerationInput = z.object({
  instructionsUri: z.string().describe('LlmResult lines of the instruction requests'),
  outputUri: z.string(),
});
export type BuildRegenerationInput = z.input<typeof BuildRegenerationInput>;

export const BuildRegenerationOutput = z.object({
  requestsUri: z.string().describe('Generator requests that carry only the instruction'),
  requests: z.number().int().nonnegative(),
});
export type BuildRegenerationOutput = z.infer<typeof BuildRegenerationOutput>;

export const GradeReversalInput = z.object({
  programsUri: z.string(),
  instructionsUri: z.string(),
  regeneratedUri: z.string().describe('LlmResult lines of the regeneration requests'),
  outputUri: z.string(),
  settings: ReversalSettings.prefault({}),
});
export type GradeReversalInput = z.input<typeof GradeReversalInput>;

export const GradeReversalOutput = z.object({
  pairsUri: z.string(),
  rejectedUri: z.string(),
  manifestUri: z.string(),
  stats: StageStats,
  outcomes: z.record(z.string(), z.number().int().nonnegative()).describe('Sandbox outcome counts of the regenerated code'),
});
export type GradeReversalOutput = z.infer<typeof GradeReversalOutput>;
