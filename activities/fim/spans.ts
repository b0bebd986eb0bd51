// Picks spans to delete and cuts them out, then puts a model's guess back in. Pure functions.
import { createHash } from 'node:crypto';
import type { CandidateSpan } from './schema';

/** Line that replaces the deleted span in the excerpt sent to the model. */
export const FIM_MARKER = '<MISSING CODE>';

// Spans whose whole text is one of these teach nothing: any guess of the same shape passes.
const TRIVIAL_SPANS = new Set(['pass', '...', 'continue', 'break', 'return', 'return None']);

export interface CutProgram {
  excerpt: string;
  removed: string;
  indent: string;
}

function spanLines(code: string, span: CandidateSpan): string[] {
  return code.split('\n').slice(span.startLine - 1, span.endLine);
}

function rank(seed: number, recordId: string, span: CandidateSpan): string {
  return createHash('sha256').update(`${seed}:${recordId}:${span.startLine}:${span.endLine}`).digest('hex');
}

/**
 * Orders the spans of at most `maxLines` lines by a seeded hash. Spans that are the whole block
 * they sit in come last, so most exercises keep some of the surrounding body.
 */
export function orderSpans(code: string, candidates: CandidateSpan[], options: { maxLines: number; seed: number; recordId: string }): CandidateSpan[] {
  const usable = candidates.filter((span) => {
    const lines = spanLines(code, span);
    return lines.length <= options.maxLines && !TRIVIAL_SPANS.has(lines.join('\n').trim());
  });
  return usable
    .map((span) => ({ span, key: `${span.coversBody ? 1 : 0}:${rank(options.seed, options.recordId, span)}` }))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(({ span }) => span);
}

export function spansOverlap(a: CandidateSpan, b: CandidateSpan): boolean {
  return a.startLine <= b.endLine && b.startLine <= a.endLine;
}

export function cutSpan(code: string, span: CandidateSpan): CutProgram {
  const lines = code.split('\n');
  const removedLines = lines.slice(span.startLine - 1, span.endLine);
  const indent = /^[ \t]*/.exec(removedLines[0] ?? '')![0];
  const excerpt = [...lines.slice(0, span.startLine - 1), `${indent}${FIM_MARKER}`, ...lines.slice(span.endLine)].join('\n');
  return { excerpt, removed: removedLines.join('\n'), indent };
}

/** Removes a Markdown code fence around model output, if there is one. */
export function stripCodeFence(text: string): string {
  const fenced = /^\s*```[\w-]*[ \t]*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return fenced ? fenced[1]! : text;
}

/** Removes the indentation that every non-blank line shares. */
export function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(Math.min(common, /^[ \t]*/.exec(line)![0].length))).join('\n');
}

/** Puts the guess in place of the marker, re-indented to the removed span's indentation. */
export function fillGuess(excerpt: string, indent: string, guess: string): string {
  const body = dedent(stripCodeFence(guess).replace(/^\s*\n/, '').replace(/\s+$/, ''));
  const indented = body.split('\n').map((line) => (line.trim() === '' ? '' : indent + line)).join('\n');
  return excerpt.replace(`${indent}${FIM_MARKER}`, () => indented);
}
