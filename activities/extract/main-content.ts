// Main-content selection. Each paragraph votes for its parent and, more weakly, for the two
// ancestors above it. The best-voted container, weighted by how little of its text is link
// text, is the main content. This is the scheme Arc90's Readability popularised. Standfirsts,
// article sections split by figures, and structured pages such as recipes are then added.
import { classWeight, hintWords } from './boilerplate';
import { classAndId, collectText, elementsOf, findFirst, isTag, outermostMatches, type ChildNode, type Element, type ParentNode } from './dom';
import { linkDensity, type TextStats } from './text-stats';

const PARAGRAPH_TAGS = new Set(['p', 'pre', 'td', 'blockquote', 'dd', 'cf-math']);

/** Containers that hold only inline content count as paragraphs, as many editors write them. */
const CONTAINER_TAGS = new Set(['div', 'section', 'article', 'center', 'font', 'span']);
const BLOCK_CHILD_TAGS = new Set([
  'p', 'div', 'section', 'article', 'table', 'ul', 'ol', 'dl', 'pre', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'form', 'header', 'footer', 'figure', 'aside', 'main', 'nav', 'li', 'tr', 'td',
]);

function hasBlockChild(element: Element): boolean {
  return element.children.some((child) => isTag(child) && BLOCK_CHILD_TAGS.has(child.name));
}

function tagWeight(element: Element): number {
  switch (element.name) {
    case 'article':
      return 10;
    case 'main':
    case 'div':
    case 'section':
      return 5;
    case 'pre':
    case 'td':
    case 'blockquote':
      return 3;
    case 'form':
    case 'ol':
    case 'ul':
    case 'dl':
    case 'li':
    case 'address':
      return -3;
    case 'th':
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
      return -5;
    default:
      return 0;
  }
}

/**
 * Chooses the nodes that make up the main content: the best-scored container (or a structured
 * parent that contains far more text), the standfirst before it, and either its repeated sibling
 * sections or the siblings that score nearly as well. Returns `[root]` when nothing scores, so
 * short pages keep their text.
 */
export function selectMainContent(root: Element, stats: Map<Element, TextStats>): ChildNode[] {
  const scores = new Map<Element, number>();
  const addScore = (element: ParentNode | null, points: number): void => {
    if (!element || !isTag(element)) return;
    if (!scores.has(element)) scores.set(element, tagWeight(element) + classWeight(element));
    scores.set(element, scores.get(element)! + points);
  };

  for (const element of elementsOf(root)) {
    const isParagraph = PARAGRAPH_TAGS.has(element.name) || (CONTAINER_TAGS.has(element.name) && !hasBlockChild(element));
    if (!isParagraph) continue;
    const elementStats = stats.get(element);
    if (!elementStats || elementStats.text < 25 || linkDensity(elementStats) > 0.5) continue;
    const points = 1 + elementStats.commas + Math.min(Math.floor(elementStats.text / 100), 3);
    addScore(element.parent, points);
    addScore(element.parent?.parent ?? null, points / 2);
    addScore(element.parent?.parent?.parent ?? null, points / 3);
  }

  let best: Element | undefined;
  let bestScore = 0;
  for (const [element, score] of scores) {
    const final = score * (1 - linkDensity(stats.get(element)));
    scores.set(element, final);
    if (final > bestScore) {
      best = element;
      bestScore = final;
    }
  }
  if (!best) return [root];
  best = climbToProse(best, root, stats);

  const siblings = repeatedSections(best, root, stats) ?? withGoodSiblings(best, bestScore, scores, stats);
  const leads = leadBlocks(best, root, stats).filter((lead) => !siblings.includes(lead));
  return [...leads, ...siblings];
}

/**
 * Pages built from structured parts (a recipe's ingredients, steps and tips) give most of
 * their text no paragraph to vote with, so the best-voted container holds only a small share
 * of it. Returns the highest of the four nearest ancestors whose text is over 2.5 times the
 * container's, stopping at the first link-heavy one.
 */
function climbToProse(best: Element, root: Element, stats: Map<Element, TextStats>): Element {
  const bestText = stats.get(best)?.text ?? 0;
  let chosen = best;
  let ancestor = best.parent;
  for (let level = 0; level < 4 && ancestor && isTag(ancestor) && ancestor !== root; level++) {
    const ancestorStats = stats.get(ancestor);
    if (!ancestorStats || linkDensity(ancestorStats) >= 0.2) break;
    if (bestText < ancestorStats.text * 0.4) chosen = ancestor;
    ancestor = ancestor.parent;
  }
  return chosen;
}

/** Class words of an article's standfirst or subtitle, which often sits outside the body container. */
const LEAD_WORDS = new Set(['lead', 'lede', 'preface', 'standfirst', 'intro', 'subtitle', 'subheadline', 'summary', 'excerpt', 'deck', 'dek', 'abstract', 'teaser', 'description', 'chapeau', 'chapo', 'kicker']);
const DATE_WORDS = new Set(['date', 'time', 'byline', 'author', 'meta', 'published', 'updated', 'modified', 'credit', 'credits']);

/**
 * Standfirst and subtitle blocks that precede the chosen container inside its three nearest
 * ancestors: long prose paragraphs without links, or blocks whose class names a lead.
 */
function leadBlocks(best: Element, root: Element, stats: Map<Element, TextStats>): Element[] {
  const leads: Element[] = [];
  let child: Element = best;
  for (let level = 0; level < 3 && child.parent && isTag(child.parent) && child.parent !== root; level++) {
    const parent: Element = child.parent;
    const before: Element[] = [];
    for (const sibling of parent.children) {
      if (sibling === child) break;
      if (!isTag(sibling)) continue;
      const words = hintWords(sibling);
      if (words.some((word) => DATE_WORDS.has(word)) || sibling.name === 'time') continue;
      const siblingStats = stats.get(sibling);
      if (!siblingStats || siblingStats.text === 0 || linkDensity(siblingStats) > 0.2) continue;
      // The headline is the page title, kept in metadata rather than in the body text.
      if (findFirst(sibling, (element) => element.name === 'h1')) continue;
      const namedLead = words.some((word) => LEAD_WORDS.has(word));
      const prose = (sibling.name === 'p' || sibling.name === 'div') && siblingStats.text >= 80 && !hasBlockChild(sibling);
      if (namedLead || prose) {
        before.push(sibling);
        continue;
      }
      // A header block often wraps the subtitle together with the date and byline.
      const nested = outermostMatches(sibling, (element) => hintWords(element).some((word) => LEAD_WORDS.has(word)));
      before.push(...nested.filter((element) => linkDensity(stats.get(element)) <= 0.2 && (stats.get(element)?.text ?? 0) > 0));
    }
    leads.unshift(...before);
    child = parent;
  }
  return leads;
}

/**
 * Article bodies split into several sections (between figures or ads) repeat the same wrapper.
 * Looks up to eight levels above the chosen container for siblings that share its tag and
 * class and hold prose paragraphs, and returns them all in document order.
 */
const MAX_SECTION_LEVELS = 8;

function repeatedSections(best: Element, root: Element, stats: Map<Element, TextStats>): Element[] | undefined {
  let current: Element = best;
  for (let level = 0; level < MAX_SECTION_LEVELS; level++) {
    const parent = current.parent;
    if (!parent || !isTag(parent)) return undefined;
    const signature = current.attribs.class;
    if (signature) {
      const repeats = parent.children.filter((sibling): sibling is Element => {
        if (!isTag(sibling) || sibling.name !== current.name || sibling.attribs.class !== signature) return false;
        if (sibling === current) return true;
        const siblingStats = stats.get(sibling);
        if (!siblingStats || siblingStats.text < 200 || linkDensity(siblingStats) >= 0.2) return false;
        return findFirst(sibling, (element) => element.name === 'p' && (stats.get(element)?.text ?? 0) >= 80) !== undefined;
      });
      if (repeats.length > 1) return repeats;
    }
    if (parent === root) return undefined;
    current = parent;
  }
  return undefined;
}

function withGoodSiblings(best: Element, bestScore: number, scores: Map<Element, number>, stats: Map<Element, TextStats>): ChildNode[] {
  const parent = best.parent;
  if (!parent) return [best];
  const threshold = Math.max(10, bestScore * 0.2);
  const bestHints = classAndId(best);
  return parent.children.filter((sibling) => {
    if (sibling === best) return true;
    if (!isTag(sibling)) return false;
    const siblingStats = stats.get(sibling);
    if ((scores.get(sibling) ?? 0) >= threshold) return true;
    if (bestHints.trim() !== '' && classAndId(sibling) === bestHints && (siblingStats?.text ?? 0) > 0) return true;
    if (sibling.name === 'p' && siblingStats) {
      const density = linkDensity(siblingStats);
      if (siblingStats.text > 80 && density < 0.25) return true;
      return siblingStats.text > 0 && density === 0 && /[.!?。]\s*$/.test(collectText(sibling));
    }
    return false;
  });
}
