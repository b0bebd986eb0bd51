// The `corpusflow` command line.
import { Command, CommanderError } from 'commander';
import { runCommand } from './commands/run';
import { statusCommand } from './commands/status';
import { upCommand } from './commands/up';
import { scheduleCommand } from './commands/schedule';
import { replayCommand } from './commands/replay';
import { rerunCommand } from './commands/rerun';
import { checkDatasetCommand } from './commands/check-dataset';
import { UserError } from './errors';

const program = new Command('corpusflow')
  .description('Build phi-4-style training data with Temporal workflows')
  .option('--verbose', 'show stack traces for errors')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(upCommand());
program.addCommand(runCommand());
program.addCommand(statusCommand());
program.addCommand(scheduleCommand());
program.addCommand(replayCommand());
program.addCommand(rerunCommand());
program.addCommand(checkDatasetCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const verbose = program.opts<{ verbose?: boolean }>().verbose || process.argv.includes('--verbose');
  if (error instanceof UserError && !verbose) {
    console.error(`error: ${error.message}`);
  } else if (verbose) {
    console.error(error);
  } else {
    console.error(`error: ${(error as Error).message}\n(run again with --verbose for details)`);
  }
  process.exit(1);
}
