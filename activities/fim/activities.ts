// Temporal activities of the FIM stage, both on the `sandbox` task queue. The model call between
// them is the llm layer's completeRequests activity with the generator role.
import type { SandboxRunner } from './run-tests';
import { gradeFimExercises } from './grade';
import { prepareFimExercises } from './prepare';
import type { GradeFimInput, PrepareFimInput } from './schema';

export function createFimActivities(runner: SandboxRunner) {
  return {
    prepareFimExercises: (input: PrepareFimInput) => prepareFimExercises(runner, input),
    gradeFimExercises: (input: GradeFimInput) => gradeFimExercises(runner, input),
  };
}

export type FimActivities = ReturnType<typeof createFimActivities>;
