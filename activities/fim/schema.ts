// Records and activity boundaries of the fill-in-the-middle (FIM) stage. Pure module.
import { z } from 'zod';
import { StageStats } from '../../schemas/stats';
import { SandboxLimits, TestStyle } from '../sandbox/schema';

/** A program with the tests that check it; the common input of the FIM and instruction-reversal stages. */
export const CodeWithTests = z.object({
  id: z.string().min(1),
  language: z.literal('python'),
  code: z.string().min(1),
  tests: z.string(),
  testStyle: TestStyle,
  entryPoint: z.string().optional(),
  moduleName: z.string().regex(/^[A-Za-z_]\w*$/, 'must be a Python identifier').optional().describe('Module name the tests import the code under, "program" when unset'),
  source: z.string().describe('Where the program came from, for example "humaneval"'),
  benchmarkDerived: z
    .boolean()
    .describe('True for benchmark problems: such records and everything made from them must never be published as training data'),
});
export type CodeWithTests = z.infer<typeof CodeWithTests>;

export const CodeSourceFormat = z
  .enum(['humaneval', 'code_with_tests'])
  .describe('humaneval: lines with task_id, prompt, canonical_solution, test, entry_point; code_with_tests: lines of CodeWithTests');

/** A span the Python `ast` module found at statement or block boundaries (1-based, inclusive lines). */
export const CandidateSpan = z.object({
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  statements: z.number().int().positive(),
  kind: z.enum(['statement', 'block']).describe('block when the first statement is compound (if, for, while, with, try, def)'),
  coversBody: z.boolean().describe("True when the span is the whole block it sits in (a function body, or the body of an if, for, while, with or try)"),
});
export type CandidateSpan = z.infer<typeof CandidateSpan>;

export const FimGuess = z.object({
  background: z.string().describe('What the program is for and what the missing code must do'),
  reasoning: z.string().describe('Step-by-step derivation of the missing code'),
  guess: z.string().describe('The missing code only, to replace the marker line'),
});
export type FimGuess = z.infer<typeof FimGuess>;

/** One exercise waiting for its model guess, on disk between the prepare and grade phases. */
export const FimCandidate = z.object({
  id: z.string(),
  record: CodeWithTests,
  span: CandidateSpan,
  excerpt: z.string().describe('The program with the span replaced by the marker line'),
  removed: z.string(),
  indent: z.string().describe('Indentation of the removed span, re-applied to the guess'),
});
export type FimCandidate = z.infer<typeof FimCandidate>;

export const FimGrade = z.enum(['pass', 'partial', 'fail']);
export type FimGrade = z.infer<typeof FimGrade>;

export const FimSettings = z.object({
  spansPerProgram: z.number().int().positive().default(1),
  maxSpanLines: z.number().int().positive().default(8),
  seed: z.number().int().default(0).describe('Picks among candidate spans; the same seed picks the same spans'),
  limits: SandboxLimits.partial().default({}),
});
export type FimSettings = z.infer<typeof FimSettings>;

export const PrepareFimInput = z.object({
  inputUri: z.string().describe('JSON Lines (plain or .gz) of programs with tests'),
  format: CodeSourceFormat.default('code_with_tests'),
  outputUri: z.string().describe('Stage folder; candidates, requests and the manifest go under it'),
  settings: FimSettings.prefault({}),
});
export type PrepareFimInput = z.input<typeof PrepareFimInput>;

export const PrepareFimOutput = z.object({
  candidatesUri: z.string(),
  requestsUri: z.string().describe('LlmRequest lines for the generator role, one per candidate'),
  candidates: z.number().int().nonnegative(),
  stats: StageStats,
  originalOutcomes: z.record(z.string(), z.number().int().nonnegative()).describe('Sandbox outcome counts of the original programs against their own tests'),
});
export type PrepareFimOutput = z.infer<typeof PrepareFimOutput>;

export const GradeFimInput = z.object({
  candidatesUri: z.string(),
  resultsUri: z.string().describe('LlmResult lines written by completeRequests'),
  outputUri: z.string(),
  settings: FimSettings.prefault({}),
});
export type GradeFimInput = z.input<typeof GradeFimInput>;

export const GradeFimOutput = z.object({
  exercisesUri: z.string(),
  rejectedUri: z.string(),
  manifestUri: z.string(),
  stats: StageStats,
  outcomes: z.record(z.string(), z.number().int().nonnegative()).describe('Sandbox outcome counts of the graded runs'),
  grades: z.record(z.string(), z.number().int().nonnegative()),
});
export type GradeFimOutput = z.infer<typeof GradeFimOutput>;
