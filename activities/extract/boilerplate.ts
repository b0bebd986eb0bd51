// Boilerplate removal and main-content selection. Decisions use the tag name, words in the
// class and id, the text and link lengths below each element, and how text concentrates
// under common ancestors. Each paragraph votes for its parent and, more weakly, for the two
// ancestors above it. The best-voted container, weighted by how little of its text is link
// text, is the main content. This is the scheme Arc90's Readability popularised.
import { classAndId, collectText, elementsOf, findFirst, isTag, isText, outermostMatches, removeNodes, type ChildNode, type Element, type ParentNode } from './dom';

/** Elements that never carry article text. */
const NON_CONTENT_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas', 'video', 'audio',
  'input', 'button', 'select', 'textarea', 'nav', 'dialog', 'link', 'meta', 'head',
]);

/** Class or id words that mark page chrome; matched against whole words split at -, _ and spaces. */
const NEGATIVE_WORDS = new Set([
  'nav', 'navbar', 'navigation', 'menu', 'menubar', 'breadcrumb', 'breadcrumbs', 'footer', 'sidebar', 'widget', 'widgets',
  'cookie', 'cookies', 'consent', 'gdpr', 'share', 'sharing', 'shares', 'social', 'sharebar', 'newsletter', 'subscribe',
  'subscription', 'related', 'recommended', 'recommendations', 'promo', 'promotion', 'advert', 'advertisement', 'ad',
  'ads', 'adsense', 'sponsor', 'sponsored', 'banner', 'popup', 'modal', 'overlay', 'pagination', 'pager', 'masthead',
  'toolbar', 'skip', 'outbrain', 'taboola', 'disqus', 'login', 'signup', 'signin', 'copyright', 'rss', 'tags',
  'tagcloud', 'comment-form', 'respond', 'trending', 'popular', 'mostread', 'print', 'author-box',
  'byline', 'dateline', 'teaser', 'teasers', 'more-stories', 'read-more', 'jump', 'skiplink', 'header', 'edit', 'editsection',
  'comments', 'commentlist', 'author', 'authors', 'placeholder', 'signature', 'tweet', 'twitter', 'instagram', 'follow',
  // The same page parts named in German, French, Spanish and Italian markup.
  'teilen', 'werbung', 'anzeige', 'partager', 'compartir', 'siguenos', 'publicidad', 'condividi', 'pubblicita',
]);

/** Class or id words that mark main content and outweigh a negative word on the same element. */
const POSITIVE_WORDS = new Set([
  'article', 'content', 'entry', 'main', 'body', 'story', 'text', 'post', 'blog', 'thread', 'message', 'answer',
  'question', 'prose', 'markdown', 'page', 'column',
]);

/**
 * Words of the class and id. Ids of four or more words are left out: they are usually slugs
 * of a heading ("sharing-with-a-single-developer"), not names of page parts.
 */
function hintWords(element: Element): string[] {
  const classWords = (element.attribs.class ?? '').toLowerCase().split(/[\s_-]+/).filter(Boolean);
  const idWords = (element.attribs.id ?? '').toLowerCase().split(/[\s_-]+/).filter(Boolean);
  return idWords.length <= 3 ? [...classWords, ...idWords] : classWords;
}

function classWeight(element: Element): number {
  const words = hintWords(element);
  let weight = 0;
  if (words.some((word) => NEGATIVE_WORDS.has(word))) weight -= 25;
  if (words.some((word) => POSITIVE_WORDS.has(word))) weight += 25;
  return weight;
}

/**
 * Classes that hide an element on every screen, and classes that hide text from sighted
 * readers (screen-reader labels such as "Media caption"). Bootstrap's `hidden-xs` hides only
 * on small screens, so it is not listed.
 */
const HIDING_CLASSES = /(^|\s)(hidden|hide|d-none|is-hidden|sr-only|screen-reader-text|screen-reader-only|visually-hidden|visuallyhidden|off-screen|offscreen|a11y-hidden)(\s|$)/i;

function isHidden(element: Element): boolean {
  if (element.attribs.hidden !== undefined) return true;
  if (HIDING_CLASSES.test(element.attribs.class ?? '')) return true;
  if (element.attribs['aria-hidden'] === 'true') return true;
  const style = (element.attribs.style ?? '').toLowerCase().replace(/\s+/g, '');
  return style.includes('display:none') || style.includes('visibility:hidden');
}

/** Permalink anchors that documentation generators put after headings. */
const PERMALINK_TEXTS = new Set(['¶', '#', '§', '🔗', '⚓']);

function isPermalink(element: Element): boolean {
  return element.name === 'a' && PERMALINK_TEXTS.has(collectText(element).trim());
}

/** Removes elements that are never content: scripts, forms controls, navigation, hidden parts, permalinks. */
export function removeNonContent(root: ParentNode): void {
  const removable = outermostMatches(root, (element) => NON_CONTENT_TAGS.has(element.name) || isHidden(element) || isPermalink(element));
  removeNodes(removable);
}

export interface TextStats {
  text: number;
  link: number;
  commas: number;
}

/** Text length, link-text length and comma count below every element; one post-order pass. */
export function computeTextStats(root: ParentNode): Map<Element, TextStats> {
  const stats = new Map<Element, TextStats>();
  const order = isTag(root) ? [root, ...elementsOf(root)] : [...elementsOf(root)];
  for (let i = order.length - 1; i >= 0; i--) {
    const element = order[i]!;
    const total: TextStats = { text: 0, link: 0, commas: 0 };
    for (const child of element.children) {
      if (isText(child)) {
        addTextStats(child.data, total);
      } else if (isTag(child)) {
        const childStats = stats.get(child);
        if (!childStats) continue;
        total.text += childStats.text;
        total.link += childStats.link;
        total.commas += childStats.commas;
      }
    }
    if (element.name === 'a') total.link = total.text;
    stats.set(element, total);
  }
  return stats;
}

/**
 * Adds the length of `text` with whitespace runs collapsed and ends trimmed, and its commas.
 * A character loop rather than regular expressions, because this runs on every text node.
 */
function addTextStats(text: string, total: TextStats): void {
  let length = 0;
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || (code >= 9 && code <= 13) || code === 0xa0) {
      pendingSpace = length > 0;
      continue;
    }
    if (pendingSpace) length += 1;
    pendingSpace = false;
    length += 1;
    if (code === 44 || code === 0xff0c || code === 0x3001) total.commas += 1;
  }
  total.text += length;
}

function linkDensity(stats: TextStats | undefined): number {
  if (!stats || stats.text === 0) return 0;
  return stats.link / stats.text;
}

/** Never removed by class hints: page roots, and table parts, whose removal would shift columns. */
const HINT_PROOF_TAGS = new Set(['html', 'body', 'main', 'article', 'td', 'th', 'tr', 'thead', 'tbody', 'tfoot', 'cf-math', 'cf-post']);

/** Removes elements whose class or id names page chrome, unless they hold most of the page's text. */
export function removeChromeByHints(root: ParentNode, stats: Map<Element, TextStats>, totalText: number): void {
  const removable = outermostMatches(root, (element) => {
    if (HINT_PROOF_TAGS.has(element.name)) return false;
    if (classWeight(element) >= 0) return false;
    const text = stats.get(element)?.text ?? 0;
    return text < totalText * 0.4;
  });
  removeNodes(removable);
}

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
 * Chooses the nodes that make up the main content: the best-scored container plus siblings
 * that score nearly as well. Returns `[root]` when nothing scores, so short pages keep their text.
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

function insideTableCell(element: Element): boolean {
  for (let current = element.parent; current && isTag(current); current = current.parent) {
    if (current.name === 'td' || current.name === 'th') return true;
    if (current.name === 'table') return false;
  }
  return false;
}

/** Removes link lists and short link-heavy blocks that sit inside the chosen content. */
export function removeLinkClusters(nodes: ChildNode[], stats: Map<Element, TextStats>): void {
  for (const node of nodes) {
    if (!isTag(node)) continue;
    const clusters = outermostMatches(node, (element) => {
      if (!['div', 'ul', 'ol', 'section', 'aside', 'table', 'form', 'footer', 'header', 'dl'].includes(element.name)) return false;
      // A cell of links (a table of apps, each named by its store link) is data, not a link list.
      if (insideTableCell(element)) return false;
      const elementStats = stats.get(element);
      if (!elementStats || elementStats.text === 0) return false;
      const density = linkDensity(elementStats);
      if (density > 0.65) return true;
      return density > 0.35 && elementStats.text < 300 && elementStats.commas < 3;
    });
    removeNodes(clusters);
  }
}
