// Textual similarity of two code snippets: 2 * LCS / (|a| + |b|) over code tokens (identifiers,
// numbers and single punctuation characters), so whitespace and indentation never count.
// Close to difflib.SequenceMatcher.ratio(), but with an exact longest common subsequence.

export function codeTokens(text: string): string[] {
  return text.match(/\w+|[^\s\w]/g) ?? [];
}

export function tokenSimilarity(a: string, b: string): number {
  const left = codeTokens(a);
  const right = codeTokens(b);
  if (left.length === 0 && right.length === 0) return 1;

  // One row of the LCS table at a time: O(|a| * |b|) time, O(|b|) memory.
  let previous = new Array<number>(right.length + 1).fill(0);
  for (const token of left) {
    const current = new Array<number>(right.length + 1).fill(0);
    for (let index = 1; index <= right.length; index += 1) {
      current[index] = token === right[index - 1] ? previous[index - 1]! + 1 : Math.max(previous[index]!, current[index - 1]!);
    }
    previous = current;
  }
  return (2 * previous[right.length]!) / (left.length + right.length);
}
