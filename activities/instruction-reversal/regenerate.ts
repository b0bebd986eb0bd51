// Phase 2 of instruction reversal (cpu queue): turn each instruction the generator wrote into a
// request that carries the instruction alone, so the regenerated code cannot copy the original.
import { LlmResult } from '../../schemas/llm';
import { parseActivityInput } from '../fim/parse-input';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { storageFor } from '../storage';
import { reversalPaths } from './paths';
import { regenerationRequest } from './prompt';
import { BuildRegenerationInput, BuildRegenerationOutput, InstructionReply } from './schema';

export async function buildRegenerationRequests(rawInput: BuildRegenerationInput): Promise<BuildRegenerationOutput> {
  const input = parseActivityInput('buildRegenerationRequests', BuildRegenerationInput, rawInput);
  const paths = reversalPaths(input.outputUri);
  const storage = await storageFor(paths.regenerationSummary);
  if (await storage.stat(paths.regenerationSummary)) {
    return BuildRegenerationOutput.parse(JSON.parse((await storage.readBytes(paths.regenerationSummary)).toString('utf8')));
  }

  // Instructions that failed their schema get no request; the grade phase counts them as dropped.
  const writer = await JsonlShardWriter.open(paths.regenerationRequests);
  let requests = 0;
  for await (const line of readJsonlRecords(input.instructionsUri)) {
    const result = LlmResult.parse(line);
    const reply = result.status === 'ok' ? InstructionReply.safeParse(result.output) : undefined;
    if (!reply?.success) continue;
    await writer.write(regenerationRequest(result.id, reply.data.instruction));
    requests += 1;
  }
  await writer.close();

  const output: BuildRegenerationOutput = { requestsUri: paths.regenerationRequests, requests };
  await storage.write(paths.regenerationSummary, JSON.stringify(output));
  return output;
}
