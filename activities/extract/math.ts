// Finds every formula on a page and replaces it by one <cf-math> marker carrying its TeX, so
// the renderer emits each formula once, as TeX, and never the rendered glyphs beside it.
// Sources, in order of trust: TeX the page already carries (MathJax `math/tex` scripts, the
// MathML `alttext` attribute, `<annotation encoding="application/x-tex">` as KaTeX and
// Wikipedia write it), then MathML converted with mathml-to-latex.
import { getOuterHTML } from 'domutils';
import { MathMLToLaTeX } from 'mathml-to-latex';
import {
  classAndId,
  classList,
  collectText,
  createElement,
  outermostMatches,
  findFirst,
  replaceNodes,
  Text,
  type ChildNode,
  type Element,
  type ParentNode,
} from './dom';

export const MATH_MARKER = 'cf-math';

/** Rewrites all formulas under `root` into <cf-math tex display> markers. Returns the count. */
export function normalizeMath(root: ParentNode): number {
  const targets = outermostMatches(root, isMathSource);

  let count = 0;
  const replacements = new Map<ChildNode, ChildNode | undefined>();
  for (const element of targets) {
    const formula = isRenderedGlyphs(element) ? undefined : formulaOf(element);
    replacements.set(element, formula && mathMarker(formula.tex, formula.display));
    if (formula) count += 1;
  }
  replaceNodes(replacements);
  return count;
}

interface Formula {
  tex: string;
  display: boolean;
}

function isMathSource(element: Element): boolean {
  const name = element.name;
  if (name === 'math' || name === 'mjx-container') return true;
  if (name === 'script') return /^math\/(tex|mml)/i.test(element.attribs.type ?? '');
  const classes = classList(element);
  if (classes.includes('katex-display') || classes.includes('katex') || classes.includes('mwe-math-element')) return true;
  if (isRenderedGlyphs(element)) return true;
  if (name === 'img' && /\b(latex|tex|math)\b/.test(classAndId(element)) && (element.attribs.alt ?? '').trim() !== '') return true;
  return false;
}

/** MathJax v2 output (`MathJax`, `MathJax_Display`, `MathJax_Preview`, ...) sits beside its source script. */
function isRenderedGlyphs(element: Element): boolean {
  if (element.name === 'mjx-container' || element.name === 'script') return false;
  return classList(element).some((name) => name === 'mathjax' || name.startsWith('mathjax_'));
}

function formulaOf(element: Element): Formula | undefined {
  if (element.name === 'script') {
    const type = (element.attribs.type ?? '').toLowerCase();
    const display = type.includes('mode=display');
    if (type.startsWith('math/tex')) return { tex: collectText(element).trim(), display };
    return fromMathMLSource(collectText(element), display);
  }

  if (element.name === 'img') return { tex: stripDisplayStyle(element.attribs.alt ?? ''), display: false };

  const math = element.name === 'math' ? element : findFirst(element, (child) => child.name === 'math');
  const display = isDisplay(element, math);
  if (math) {
    const tex = texOfMath(math);
    return tex === undefined ? undefined : { tex, display };
  }

  // KaTeX without MathML output still carries its TeX in an annotation in some builds.
  const annotation = findFirst(element, (child) => child.name === 'annotation');
  if (annotation) return { tex: collectText(annotation).trim(), display };
  return undefined;
}

function isDisplay(container: Element, math: Element | undefined): boolean {
  if (container.attribs.display === 'true' || container.attribs.display === 'block') return true;
  const classes = classList(container);
  if (classes.includes('katex-display')) return true;
  if (container.name === 'span' && classes.includes('mwe-math-element') && math?.parent) {
    const wrapper = math.parent.type === 'tag' ? classList(math.parent as Element) : [];
    if (wrapper.some((name) => name.includes('display'))) return true;
  }
  if (!math) return false;
  return math.attribs.display === 'block' || math.attribs.mode === 'display';
}

/** Returns the TeX of one MathML <math> element: alttext, then a TeX annotation, then a conversion. */
export function texOfMath(math: Element): string | undefined {
  const alt = math.attribs.alttext?.trim();
  if (alt) return stripDisplayStyle(alt);

  const annotation = findFirst(
    math,
    (child) => child.name === 'annotation' && /^(application\/(x-)?tex|text\/latex|latex)$/i.test(child.attribs.encoding ?? ''),
  );
  if (annotation) return stripDisplayStyle(collectText(annotation).trim());

  return convertMathML(getOuterHTML(math, { xmlMode: true, decodeEntities: true }));
}

function fromMathMLSource(source: string, display: boolean): Formula | undefined {
  const tex = convertMathML(source);
  return tex === undefined ? undefined : { tex, display };
}

function convertMathML(markup: string): string | undefined {
  try {
    const tex = tidyConvertedTex(MathMLToLaTeX.convert(markup));
    return tex === '' ? undefined : tex;
  } catch {
    // Malformed MathML: the formula is dropped rather than emitted as glyph soup.
    return undefined;
  }
}

/**
 * mathml-to-latex 1.8 writes a lone MathML fence operator as an empty `\left…\right.` pair,
 * for example `\left(\right. 1 - p \left.\right)`. The plain delimiter means the same.
 */
function tidyConvertedTex(tex: string): string {
  return tex
    .replace(/\\left([([|]|\\\{)\\right\./g, '$1')
    .replace(/\\left\.\\right([)\]|]|\\\})/g, '$1')
    .trim();
}

/** Strips the `{\displaystyle …}` wrapper that Wikipedia puts around its alttext, which carries no content. */
export function stripDisplayStyle(tex: string): string {
  const trimmed = tex.trim();
  const match = /^\{\\(?:displaystyle|textstyle)\s*(.*)\}$/s.exec(trimmed);
  if (!match || !balanced(match[1]!)) return trimmed;
  return match[1]!.trim();
}

function balanced(tex: string): boolean {
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    const ch = tex[i];
    if (ch === '\\') {
      i += 1;
      continue;
    }
    if (ch === '{') depth += 1;
    if (ch === '}') depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function mathMarker(tex: string, display: boolean): Element {
  return createElement(MATH_MARKER, { tex, display: display ? 'true' : 'false' }, [new Text('')]);
}

/** Renders a marker as Markdown math: `$…$` inline, `$$…$$` for display formulas. */
export function renderMath(marker: Element): { text: string; display: boolean } {
  const tex = marker.attribs.tex ?? '';
  const display = marker.attribs.display === 'true';
  return { text: display ? `$$${tex}$$` : `$${tex}$`, display };
}
