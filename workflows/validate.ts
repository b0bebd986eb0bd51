// Turns a zod validation failure of a workflow input into a non-retryable failure whose
// message lists every issue, so a bad start from the Temporal UI fails at once and says why.
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';

export function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : '(input)';
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

export function parseWorkflowInput<Schema extends z.ZodType>(workflow: string, schema: Schema, raw: unknown): z.infer<Schema> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw ApplicationFailure.nonRetryable(`Invalid ${workflow} input: ${formatIssues(result.error.issues)}`, 'InvalidWorkflowInput', {
    issues: result.error.issues.map((issue) => ({ path: issue.path.map(String), code: issue.code, message: issue.message })),
  });
}
