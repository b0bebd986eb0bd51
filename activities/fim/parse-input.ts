// Parses an activity input; a violation is a bad start, not a transient fault, so it never retries.
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';

export function parseActivityInput<Schema extends z.ZodType>(activity: string, schema: Schema, raw: unknown): z.output<Schema> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
  throw ApplicationFailure.nonRetryable(`Invalid ${activity} input: ${issues}`, 'InvalidActivityInput');
}
