import { describe, expect, it } from 'vitest';
import { extractPage } from '../../../activities/extract/extract-page';
import { hasWebData, loadPage, page } from './fixtures';

const prose = '<p>This paragraph is ordinary prose, long enough to count as content, with commas, clauses and a full stop.</p>';

describe('math extraction', () => {
  it('emits MathJax script TeX once with delimiters', () => {
    const html = page(`<article>${prose}<p>Euler wrote <span class="MathJax_Preview">e^x</span><span class="MathJax">glyphs</span><script type="math/tex">e^{i\\pi} + 1 = 0</script> once.</p>
      <p>And displayed: <script type="math/tex; mode=display">\\int_0^1 x\\,dx = \\tfrac12</script></p>${prose}</article>`);
    const { text, metadata } = extractPage(html);
    expect(text).toContain('Euler wrote $e^{i\\pi} + 1 = 0$ once.');
    expect(text).toContain('$$\\int_0^1 x\\,dx = \\tfrac12$$');
    expect(text).not.toContain('glyphs');
    expect(metadata.mathCount).toBe(2);
  });

  it('takes KaTeX TeX from the annotation, not the HTML glyphs', () => {
    const katex = `<span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>x</mi></mrow>
      <annotation encoding="application/x-tex">x_1^2 &lt; \\alpha</annotation></semantics></math></span>
      <span class="katex-html" aria-hidden="true"><span class="mord">x12&lt;α</span></span></span>`;
    const html = page(`<article>${prose}<p>We need ${katex} here.</p><p><span class="katex-display">${katex}</span></p></article>`);
    const { text, metadata } = extractPage(html);
    expect(text).toContain('We need $x_1^2 < \\alpha$ here.');
    expect(text).toContain('$$x_1^2 < \\alpha$$');
    expect(text).not.toContain('x12<α');
    expect(metadata.mathCount).toBe(2);
  });

  it('prefers MathML alttext and strips the displaystyle wrapper', () => {
    const html = page(`<article>${prose}<p>Let <span class="mwe-math-element"><span class="mwe-math-mathml-inline" style="display: none;">
      <math alttext="{\\displaystyle \\mathbf {x} _{i}}"><mi>x</mi></math></span>
      <img class="mwe-math-fallback-image-inline" alt="{\\displaystyle \\mathbf {x} _{i}}"></span> be given.</p></article>`);
    expect(extractPage(html).text).toContain('Let $\\mathbf {x} _{i}$ be given.');
  });

  it('converts MathML without TeX to TeX', () => {
    const html = page(`<article>${prose}<p>Root: <math display="block"><msqrt><mi>x</mi></msqrt></math></p></article>`);
    expect(extractPage(html).text).toContain('$$\\sqrt{x}$$');
  });

  it('keeps TeX delimiters written in the text without escaping', () => {
    const html = page(`<article>${prose}<p>Inline \\(a_1 * b_2\\) and $$x_*^2$$ stay as written.</p></article>`);
    expect(extractPage(html).text).toContain('Inline \\(a_1 * b_2\\) and $$x_*^2$$ stay as written.');
  });
});

describe.skipIf(!hasWebData)('math on real pages', () => {
  it('keeps the alttext TeX of the Hermitian matrix article', () => {
    const { text, metadata } = extractPage(loadPage('readability/wikipedia-3.html'));
    expect(text).toContain('$A{\\text{ Hermitian}}\\quad \\iff \\quad a_{ij}={\\overline {a_{ji}}}$');
    expect(text).toContain('$$\\langle w,Av\\rangle =\\langle Aw,v\\rangle ,$$');
    expect(text).not.toContain('displaystyle');
    expect(metadata.mathCount).toBeGreaterThan(50);
  });

  it('converts the MathJax v3 demo page without rendered glyphs', () => {
    const { text, metadata } = extractPage(loadPage('readability/mathjax.html'));
    expect(text).toContain('$a \\neq 0$, there are two solutions to $a x^{2} + b x + c = 0$');
    expect(text).toContain('$$x = \\frac{- b \\pm \\sqrt{b^{2} - 4 a c}}{2 a} \\text{ }.\\text{ }$$');
    expect(text).toContain('$$P \\left(E\\right) = ( \\genfrac{}{}{0pt}{}{n}{k} ) p^{k} ( 1 - p )^{n - k}$$');
    expect(text).not.toMatch(/mjx|MJX/);
    expect(metadata.mathCount).toBe(13);
  });

  it('keeps t-SNE formulas from alttext', () => {
    const { text } = extractPage(loadPage('trafilatura/en.wikipedia.org.tsne.html'));
    expect(text).toContain('Given a set of $N$ high-dimensional objects $\\mathbf {x} _{1},\\dots ,\\mathbf {x} _{N}$');
  });
});
