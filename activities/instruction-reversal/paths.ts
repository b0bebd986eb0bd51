// Fixed file names under an instruction-reversal stage folder, so a retry finds earlier output.
import { joinUri } from '../storage';

export function reversalPaths(outputUri: string) {
  return {
    programs: joinUri(outputUri, 'programs.jsonl.gz'),
    instructionRequests: joinUri(outputUri, 'instruction-requests.jsonl.gz'),
    prepareRejected: joinUri(outputUri, 'rejected', 'prepare.jsonl.gz'),
    prepareSummary: joinUri(outputUri, 'prepare.summary.json'),
    instructions: joinUri(outputUri, 'instructions.jsonl.gz'),
    regenerationRequests: joinUri(outputUri, 'regeneration-requests.jsonl.gz'),
    regenerationSummary: joinUri(outputUri, 'regeneration.summary.json'),
    regenerated: joinUri(outputUri, 'regenerated.jsonl.gz'),
    pairs: joinUri(outputUri, 'pairs.jsonl.gz'),
    rejected: joinUri(outputUri, 'rejected', 'grade.jsonl.gz'),
    manifest: joinUri(outputUri, 'manifest.json'),
  };
}
