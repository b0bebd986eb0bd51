// Which document of a duplicate cluster stays: a document already published in the index first
// (it cannot be unpublished), then the highest quality score, then the earliest in corpus order
// (shard order, then position in the shard). A missing score ranks below every score.
import type { Document } from '../../schemas/document';

export interface KeepCandidate {
  published: boolean;
  score: number | null;
  ordinal: number;
  documentIndex: number;
}

export function qualityScoreOf(document: Document, field: string): number | null {
  const value = document.metadata[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Negative when `a` should be kept in preference to `b`. */
export function compareKeepPriority(a: KeepCandidate, b: KeepCandidate): number {
  if (a.published !== b.published) return a.published ? -1 : 1;
  const scoreA = a.score ?? -Infinity;
  const scoreB = b.score ?? -Infinity;
  if (scoreA !== scoreB) return scoreB - scoreA > 0 ? 1 : -1;
  if (a.ordinal !== b.ordinal) return a.ordinal - b.ordinal;
  return a.documentIndex - b.documentIndex;
}
