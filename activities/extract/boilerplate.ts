// Boilerplate removal: elements that are never content (by tag, hidden state or permalink
// text), page chrome named by the words of its class and id, and link clusters inside the
// chosen content. Main-content selection itself lives in main-content.ts.
import { collectText, isTag, outermostMatches, removeNodes, type ChildNode, type Element, type ParentNode } from './dom';
import { linkDensity, type TextStats } from './text-stats';

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
export function hintWords(element: Element): string[] {
  const classWords = (element.attribs.class ?? '').toLowerCase().split(/[\s_-]+/).filter(Boolean);
  const idWords = (element.attribs.id ?? '').toLowerCase().split(/[\s_-]+/).filter(Boolean);
  return idWords.length <= 3 ? [...classWords, ...idWords] : classWords;
}

export function classWeight(element: Element): number {
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
