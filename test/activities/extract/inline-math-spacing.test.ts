import { describe, expect, it } from 'vitest';
import { extractPage } from '../../../activities/extract/extract-page';

const paragraph = 'Coin flips are a classic example in probability courses, and this page walks through them step by step.';

function page(body: string): string {
  return `<html><head><title>Coins</title></head><body><article><h1>Coins</h1><p>${paragraph}</p><p>${body}</p><p>${paragraph}</p></article></body></html>`;
}

describe('inline math spacing', () => {
  it('separates inline math from a touching word', () => {
    const { text } = extractPage(page('The chance of getting<script type="math/tex">k</script>heads when flipping <script type="math/tex">n</script>coins.'));
    expect(text).toContain('getting $k$ heads when flipping $n$ coins.');
  });

  it('adds no space before punctuation', () => {
    const { text } = extractPage(page('Flip <script type="math/tex">n</script>, then count.'));
    expect(text).toContain('Flip $n$, then count.');
  });
});
