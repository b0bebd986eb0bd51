import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createSandboxActivities } from '../../../activities/sandbox/activities';
import { SandboxConfig } from '../../../activities/sandbox/config';
import { createSandboxQueueActivities } from '../../../activities/sandbox/queue';

const { runSandboxed } = createSandboxActivities(SandboxConfig.parse({}), 'bubblewrap');

describe('runSandboxed', { timeout: 30_000 }, () => {
  it('returns the outcome as data', async () => {
    const result = await runSandboxed({ language: 'python', program: 'raise ValueError("bad")\n', testStyle: 'script' });

    expect(result.outcome).toBe('error');
    expect(result.tracebackTail).toContain('ValueError: bad');
  });

  it('rejects an invalid request without retry', async () => {
    const failure = await runSandboxed({ language: 'ruby' as 'python', program: '' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).message).toBe('Invalid runSandboxed input: language: Invalid option: expected one of "python"|"node"');
  });

  it('rejects stdout too large for history', async () => {
    const failure = await runSandboxed({ language: 'python', program: '', maxStdoutBytes: 1024 * 1024 }).catch((error: unknown) => error);

    expect((failure as ApplicationFailure).type).toBe('InvalidSandboxRequest');
    expect((failure as ApplicationFailure).message).toMatch(/^Invalid runSandboxed input: maxStdoutBytes is 1048576/);
  });
});

describe('createSandboxQueueActivities', { timeout: 30_000 }, () => {
  it('registers every sandbox-queue activity', async () => {
    const { availability, activities } = await createSandboxQueueActivities({ config: SandboxConfig.parse({}) });

    expect(availability.isolation).toBe('bubblewrap');
    expect(Object.keys(activities).sort()).toEqual(['gradeFimExercises', 'gradeReversal', 'prepareFimExercises', 'prepareReversal', 'runSandboxed']);
  });

  it('rejects a host without isolation', async () => {
    const config = SandboxConfig.parse({ bubblewrapPath: '/nonexistent/bwrap' });

    await expect(createSandboxQueueActivities({ config })).rejects.toThrow(/^Sandbox isolation is unavailable/);
  });
});
