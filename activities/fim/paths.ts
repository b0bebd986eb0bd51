// Fixed file names under a FIM stage folder, so a retry finds what an earlier attempt wrote.
import { joinUri } from '../storage';

export function fimPaths(outputUri: string) {
  return {
    candidates: joinUri(outputUri, 'candidates.jsonl.gz'),
    requests: joinUri(outputUri, 'requests.jsonl.gz'),
    prepareRejected: joinUri(outputUri, 'rejected', 'prepare.jsonl.gz'),
    prepareSummary: joinUri(outputUri, 'prepare.summary.json'),
    guesses: joinUri(outputUri, 'guesses.jsonl.gz'),
    exercises: joinUri(outputUri, 'exercises.jsonl.gz'),
    rejected: joinUri(outputUri, 'rejected', 'grade.jsonl.gz'),
    manifest: joinUri(outputUri, 'manifest.json'),
  };
}
