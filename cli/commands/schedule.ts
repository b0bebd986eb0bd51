// `corpusflow schedule …`: Temporal Schedules that start the nightly refresh on a cron
// expression or an interval, with a time zone, a catch-up window and jitter. The overlap policy
// is Skip by default, so the schedule never starts a refresh while another one runs.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ScheduleOverlapPolicy, type Client, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import Table from 'cli-table3';
import { NightlyRefreshInput } from '../../schemas/refresh';
import { datasetAttribute, stageAttribute } from '../../schemas/search-attributes';
import { normalizeUri } from '../../activities/storage/uri';
import { formatIssues } from '../../workflows/validate';
import { readWorkerEnv } from '../../workers/config';
import { UserError } from '../errors';
import { connectClient } from '../temporal';


const OVERLAP_POLICIES = ['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all'] as const;
type OverlapName = (typeof OVERLAP_POLICIES)[number];

export interface ScheduleCreateOptions {
  cron?: string[];
  every?: string;
  offset?: string;
  timeZone?: string;
  overlap: OverlapName;
  catchupWindow: string;
  jitter?: string;
  input?: string;
  output?: string;
  dataset?: string;
  config?: string;
  exclude?: string[];
  paused?: boolean;
  note?: string;
  searchAttributes: boolean;
}

function parseDuration(flag: string, value: string): number {
  let ms: number;
  try {
    ms = msToNumber(value as Parameters<typeof msToNumber>[0]);
  } catch {
    ms = Number.NaN;
  }
  if (!Number.isFinite(ms) || ms < 0) throw new UserError(`Invalid ${flag} "${value}": expected a duration such as "30s", "10m", "1h" or "1 day".`);
  return ms;
}

export function overlapPolicy(name: string): ScheduleOverlapPolicy {
  const key = name.toUpperCase().replace(/-/g, '_') as keyof typeof ScheduleOverlapPolicy;
  if (!(OVERLAP_POLICIES as readonly string[]).includes(name) || !(key in ScheduleOverlapPolicy)) {
    throw new UserError(`Invalid --overlap "${name}": expected one of ${OVERLAP_POLICIES.join(', ')}.`);
  }
  return ScheduleOverlapPolicy[key] as ScheduleOverlapPolicy;
}

function readJsonObject(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`Cannot read config file ${file} as JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError(`Config file ${file} is not a JSON object.`);
  return value as Record<string, unknown>;
}

/** Builds the nightly refresh input from --config and the flags that override it, and validates it so a bad schedule is never created. */
export function buildRefreshInput(options: Pick<ScheduleCreateOptions, 'config' | 'input' | 'output' | 'dataset' | 'exclude'>): NightlyRefreshInput {
  const merged: Record<string, unknown> = options.config ? readJsonObject(options.config) : {};
  if (options.input) merged.input = options.input;
  if (options.output) merged.output = options.output;
  if (options.dataset) merged.dataset = options.dataset;
  if (options.exclude && options.exclude.length > 0) merged.exclude = options.exclude;
  if (!merged.input) throw new UserError('Missing --input: pass the folder or s3:// prefix that receives new input files (or "input" in --config).');
  if (!merged.output) throw new UserError('Missing --output: pass the folder or s3:// prefix of the published dataset (or "output" in --config).');
  // The worker may run in another folder, so local paths become absolute file:// URIs.
  merged.input = normalizeUri(String(merged.input));
  merged.output = normalizeUri(String(merged.output));
  const parsed = NightlyRefreshInput.safeParse(merged);
  if (!parsed.success) throw new UserError(`Invalid nightlyRefresh input: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

export function buildScheduleOptions(scheduleId: string, options: ScheduleCreateOptions, taskQueue: string): ScheduleOptions {
  const cron = options.cron ?? [];
  if (cron.length === 0 && !options.every) throw new UserError('Missing --cron or --every: say when the schedule starts a run, such as --cron "0 3 * * *" or --every 24h.');
  if (cron.length > 0 && options.every) throw new UserError('Pass either --cron or --every, not both.');
  if (options.offset && !options.every) throw new UserError('--offset applies to --every only.');
  const input = buildRefreshInput(options);

  const typedSearchAttributes: SearchAttributePair[] = options.searchAttributes
    ? [
        { key: datasetAttribute, value: input.dataset },
        { key: stageAttribute, value: 'nightly-refresh' },
      ]
    : [];
  return {
    scheduleId,
    spec: {
      cronExpressions: cron.length > 0 ? cron : undefined,
      intervals: options.every ? [{ every: parseDuration('--every', options.every), offset: options.offset ? parseDuration('--offset', options.offset) : undefined }] : undefined,
      timezone: options.timeZone,
      jitter: options.jitter ? parseDuration('--jitter', options.jitter) : undefined,
    },
    action: {
      type: 'startWorkflow',
      workflowType: 'nightlyRefresh',
      taskQueue,
      // The schedule appends the scheduled time to this id, so every run has its own.
      workflowId: scheduleId,
      args: [input],
      typedSearchAttributes,
    },
    policies: { overlap: overlapPolicy(options.overlap), catchupWindow: parseDuration('--catchup-window', options.catchupWindow) },
    state: { paused: options.paused ?? false, note: options.note },
  };
}

function describeSpec(description: Pick<ScheduleDescription, 'spec'>): string {
  const { spec } = description;
  const parts: string[] = [];
  for (const calendar of spec.calendars ?? []) parts.push(`calendar ${describeCalendar(calendar)}`);
  for (const interval of spec.intervals ?? []) parts.push(`every ${formatMs(msToNumber(interval.every))}${interval.offset ? ` offset ${formatMs(msToNumber(interval.offset))}` : ''}`);
  if (spec.timezone) parts.push(`time zone ${spec.timezone}`);
  if (spec.jitter) parts.push(`jitter ${formatMs(msToNumber(spec.jitter))}`);
  return parts.join(', ') || '(no times)';
}

/** Describes a calendar spec by its non-default fields. The server stores cron expressions as calendars. */
function describeCalendar(calendar: object): string {
  const fields = Object.entries(calendar)
    .filter(([key, value]) => key !== 'comment' && Array.isArray(value) && value.length > 0)
    .map(([key, value]) => `${key}=${(value as Array<{ start: unknown; end: unknown; step: unknown }>).map((range) => (range.start === range.end ? String(range.start) : `${String(range.start)}-${String(range.end)}/${String(range.step)}`)).join(',')}`);
  return fields.join(' ');
}

function formatMs(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

async function withClient<T>(body: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient({ startLocalServer: false });
  try {
    return await body(client);
  } finally {
    await client.connection.close();
  }
}

async function describeSchedule(client: Client, scheduleId: string): Promise<ScheduleDescription> {
  try {
    return await client.schedule.getHandle(scheduleId).describe();
  } catch (error) {
    if ((error as Error).name === 'ScheduleNotFoundError') throw new UserError(`No schedule with id "${scheduleId}" in namespace ${client.options.namespace}. List them with "corpusflow schedule list".`);
    throw error;
  }
}

export function renderScheduleDescription(scheduleId: string, description: ScheduleDescription): string {
  const lines = [
    `${scheduleId}: ${description.state.paused ? 'PAUSED' : 'ACTIVE'}${description.state.note ? ` (${description.state.note})` : ''}`,
    `  starts:    ${description.action.workflowType} on task queue ${description.action.taskQueue}`,
    `  when:      ${describeSpec(description)}`,
    `  overlap:   ${description.policies.overlap}, catch-up window ${formatMs(description.policies.catchupWindow)}`,
    `  input:     ${JSON.stringify(description.action.args?.[0] ?? {})}`,
    `  next runs: ${description.info.nextActionTimes.slice(0, 3).map((time) => time.toISOString()).join(', ') || '-'}`,
    `  runs:      ${description.info.numActionsTaken} taken, ${description.info.numActionsSkippedOverlap} skipped for overlap, ${description.info.numActionsMissedCatchupWindow} missed the catch-up window`,
  ];
  for (const action of description.info.recentActions.slice(-5)) {
    lines.push(`  recent:    ${action.takenAt.toISOString()} ${action.action.workflow.workflowId}`);
  }
  return lines.join('\n');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function scheduleCommand(): Command {
  const schedule = new Command('schedule').description('Manage Temporal Schedules that start the nightly refresh');

  schedule
    .command('create')
    .description('Create a schedule that starts the nightlyRefresh workflow')
    .argument('<scheduleId>', 'a name for the schedule, such as nightly-web')
    .option('--cron <expression>', 'cron expression (five fields, such as "0 3 * * *"); repeat for several', collect)
    .option('--every <duration>', 'start a run at this interval, such as 24h or 30m')
    .option('--offset <duration>', 'shift --every intervals, such as 3h for 03:00 UTC with --every 24h')
    .option('--time-zone <iana>', 'IANA time zone of --cron, such as Europe/Berlin (default: UTC)')
    .addOption(new Option('--overlap <policy>', 'what to do when a run is still going at the next start').choices(OVERLAP_POLICIES).default('skip'))
    .option('--catchup-window <duration>', 'how late a missed run (server down) may still start', '1h')
    .option('--jitter <duration>', 'random delay of up to this long added to each start')
    .option('-i, --input <location>', 'folder or s3:// prefix that receives new input files')
    .option('-o, --output <location>', 'folder or s3:// prefix of the published dataset')
    .option('--dataset <name>', 'dataset name recorded in every version manifest (default: web)')
    .option('--exclude <glob...>', 'glob patterns, relative to the input folder, of files to leave out')
    .option('-c, --config <file.json>', 'JSON file with the nightlyRefresh input; flags override it')
    .option('--paused', 'create the schedule paused')
    .option('--note <text>', 'a note shown with the schedule')
    .option('--no-search-attributes', 'do not tag runs with CorpusflowDataset and CorpusflowStage (for servers that lack them)')
    .action(async (scheduleId: string, options: ScheduleCreateOptions) => {
      const taskQueue = `${readWorkerEnv().CORPUSFLOW_TASK_QUEUE_PREFIX}cpu`;
      const scheduleOptions = buildScheduleOptions(scheduleId, options, taskQueue);
      await withClient(async (client) => {
        try {
          await client.schedule.create(scheduleOptions);
        } catch (error) {
          if ((error as Error).name === 'ScheduleAlreadyRunning') throw new UserError(`A schedule with id "${scheduleId}" already exists; delete it first or pick another id.`);
          throw error;
        }
        console.log(renderScheduleDescription(scheduleId, await describeSchedule(client, scheduleId)));
      });
    });

  schedule
    .command('list')
    .description('List the schedules of the namespace')
    .action(async () =>
      withClient(async (client) => {
        const table = new Table({ style: { head: [], border: [] }, head: ['schedule', 'workflow', 'when', 'state', 'next run'] });
        for await (const summary of client.schedule.list()) {
          const description = await describeSchedule(client, summary.scheduleId);
          table.push([summary.scheduleId, description.action.workflowType, describeSpec(description), description.state.paused ? 'paused' : 'active', description.info.nextActionTimes[0]?.toISOString() ?? '-']);
        }
        console.log(table.length > 0 ? table.toString() : 'No schedules.');
      }),
    );

  schedule
    .command('describe')
    .description('Show a schedule: when it runs, its policies, its input and its recent runs')
    .argument('<scheduleId>')
    .action(async (scheduleId: string) => withClient(async (client) => console.log(renderScheduleDescription(scheduleId, await describeSchedule(client, scheduleId)))));

  for (const [name, verb] of [['pause', 'Pause'], ['unpause', 'Resume']] as const) {
    schedule
      .command(name)
      .description(`${verb} a schedule`)
      .argument('<scheduleId>')
      .option('--note <text>', 'why, shown with the schedule')
      .action(async (scheduleId: string, options: { note?: string }) =>
        withClient(async (client) => {
          await describeSchedule(client, scheduleId);
          const handle = client.schedule.getHandle(scheduleId);
          await (name === 'pause' ? handle.pause(options.note) : handle.unpause(options.note));
          console.log(`${scheduleId}: ${name === 'pause' ? 'paused' : 'active'}`);
        }),
      );
  }

  schedule
    .command('trigger')
    .description('Start a run now, outside the schedule\'s times')
    .argument('<scheduleId>')
    .addOption(new Option('--overlap <policy>', 'overlap policy for this run (default: the schedule\'s)').choices(OVERLAP_POLICIES))
    .action(async (scheduleId: string, options: { overlap?: OverlapName }) =>
      withClient(async (client) => {
        await describeSchedule(client, scheduleId);
        await client.schedule.getHandle(scheduleId).trigger(options.overlap ? overlapPolicy(options.overlap) : undefined);
        console.log(`${scheduleId}: run requested; see it with "corpusflow schedule describe ${scheduleId}"`);
      }),
    );

  schedule
    .command('delete')
    .description('Delete a schedule; runs it started keep running')
    .argument('<scheduleId>')
    .action(async (scheduleId: string) =>
      withClient(async (client) => {
        await describeSchedule(client, scheduleId);
        await client.schedule.getHandle(scheduleId).delete();
        console.log(`${scheduleId}: deleted`);
      }),
    );

  return schedule;
}
