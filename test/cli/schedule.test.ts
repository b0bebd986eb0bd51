// `corpusflow schedule`: option validation, and the whole lifecycle through the real command
// against a dev server.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScheduleOptions, type ScheduleCreateOptions } from '../../cli/commands/schedule';
import { startTemporalDevServer } from '../support/temporal';
import { tempDir } from '../support/fixtures';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const base: ScheduleCreateOptions = { overlap: 'skip', catchupWindow: '1h', input: '/data/in', output: '/data/out', searchAttributes: true };

describe('schedule options', () => {
  it('default to the Skip overlap policy', () => {
    const options = buildScheduleOptions('nightly', { ...base, cron: ['0 3 * * *'], timeZone: 'Europe/Berlin', jitter: '10m' }, 'cpu');
    expect(options.policies?.overlap).toBe('SKIP');
    expect(options.policies?.catchupWindow).toBe(3_600_000);
    expect(options.spec).toMatchObject({ cronExpressions: ['0 3 * * *'], timezone: 'Europe/Berlin', jitter: 600_000 });
    expect(options.action).toMatchObject({ workflowType: 'nightlyRefresh', taskQueue: 'cpu', workflowId: 'nightly' });
    expect(options.action.args?.[0]).toMatchObject({ input: 'file:///data/in', output: 'file:///data/out', dataset: 'web' });
  });

  it('take an interval with an offset', () => {
    const options = buildScheduleOptions('hourly', { ...base, every: '24h', offset: '3h' }, 'cpu');
    expect(options.spec.intervals).toEqual([{ every: 86_400_000, offset: 10_800_000 }]);
  });

  it('reject a schedule without times', () => {
    expect(() => buildScheduleOptions('x', base, 'cpu')).toThrow('Missing --cron or --every');
  });

  it('reject both cron and interval', () => {
    expect(() => buildScheduleOptions('x', { ...base, cron: ['0 3 * * *'], every: '1h' }, 'cpu')).toThrow('Pass either --cron or --every, not both.');
  });

  it('reject an invalid duration', () => {
    expect(() => buildScheduleOptions('x', { ...base, every: 'soon' }, 'cpu')).toThrow('Invalid --every "soon": expected a duration such as "30s", "10m", "1h" or "1 day".');
  });

  it('reject an invalid overlap policy', () => {
    expect(() => buildScheduleOptions('x', { ...base, every: '1h', overlap: 'sometimes' as never }, 'cpu')).toThrow('Invalid --overlap "sometimes"');
  });

  it('require an input folder', () => {
    expect(() => buildScheduleOptions('x', { ...base, every: '1h', input: undefined }, 'cpu')).toThrow('Missing --input');
  });
});

describe('corpusflow schedule command', () => {
  let testEnv: TestWorkflowEnvironment;

  beforeAll(async () => {
    testEnv = await startTemporalDevServer();
  });

  afterAll(async () => {
    await testEnv?.teardown();
  });

  async function corpusflow(...args: string[]): Promise<string> {
    const { stdout } = await run('npx', ['tsx', 'cli/main.ts', 'schedule', ...args], { cwd: repoRoot, env: { ...process.env, TEMPORAL_ADDRESS: testEnv.address, CORPUSFLOW_LOG_LEVEL: 'warn' } });
    return stdout;
  }

  it('creates, pauses, triggers and deletes a schedule', async () => {
    const input = tempDir('schedule-input');
    const output = tempDir('schedule-output');
    const created = await corpusflow('create', 'nightly-web', '--cron', '30 2 * * *', '--time-zone', 'Europe/Berlin', '--jitter', '5m', '--input', input, '--output', output);
    expect(created).toContain('nightly-web: ACTIVE');
    expect(created).toContain('overlap:   SKIP, catch-up window 1h');
    expect(created).toContain('time zone Europe/Berlin');

    expect(await corpusflow('list')).toContain('nightly-web');
    expect(await corpusflow('pause', 'nightly-web', '--note', 'disk full')).toContain('nightly-web: paused');
    expect(await corpusflow('describe', 'nightly-web')).toContain('nightly-web: PAUSED (disk full)');
    expect(await corpusflow('unpause', 'nightly-web')).toContain('nightly-web: active');

    await corpusflow('trigger', 'nightly-web');
    const handle = testEnv.client.schedule.getHandle('nightly-web');
    for (let described = await handle.describe(); described.info.numActionsTaken === 0; described = await handle.describe()) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await corpusflow('describe', 'nightly-web')).toMatch(/recent: {4}\S+ nightly-web-/);

    expect(await corpusflow('delete', 'nightly-web')).toContain('nightly-web: deleted');
    await expect(corpusflow('describe', 'nightly-web')).rejects.toThrow('No schedule with id "nightly-web"');
  });
});
