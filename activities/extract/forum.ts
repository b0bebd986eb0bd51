// Forum threads and Q&A pages: each post becomes one <cf-post> marker carrying its author,
// date and whether it is the accepted answer, so the renderer writes one block per post in
// thread order. A page counts as a thread when sibling elements that look like posts (by
// class, id, schema.org type or data attributes) hold at least half of the page's text.
import { collectText, createElement, elementsOf, isTag, outermostMatches, removeNodes, replaceNodes, type ChildNode, type Element } from './dom';

export const POST_MARKER = 'cf-post';

const POST_WORDS = new Set(['post', 'message', 'comment', 'reply', 'answer', 'question', 'postbit', 'postcontainer', 'thing', 'topic-post']);
/** Words that mark forum software posts rather than article comments. */
const FORUM_WORDS = new Set(['post', 'message', 'reply', 'answer', 'question', 'postbit', 'postcontainer', 'topic-post']);
const POST_TAGS = new Set(['article', 'div', 'li', 'section', 'table', 'tr']);
const BODY_WORDS = new Set([
  'body', 'content', 'usercontent', 'postbody', 'postcontent', 'usertext', 'bbwrapper', 'text', 'postrow', 'md', 'cooked',
  'entry', 'messagetext', 'post_message', 'comment-body', 'js-post-body', 's-prose',
]);
const AUTHOR_WORDS = new Set(['author', 'username', 'bigusername', 'poster', 'user-name', 'postauthor', 'member', 'user-details', 'user-info']);
const DATE_WORDS = new Set(['date', 'time', 'timestamp', 'postdate', 'posted', 'published', 'relativetime']);
const SIGNATURE_WORDS = new Set(['signature', 'sig', 'usersig', 'signaturecontainer']);

/** Share of the page's text that post-like siblings must hold before the page is read as a thread. */
const THREAD_TEXT_SHARE = 0.5;

function words(element: Element): string[] {
  const hints = `${element.attribs.class ?? ''} ${element.attribs.id ?? ''} ${element.attribs['data-test-id'] ?? ''} ${element.attribs['data-testid'] ?? ''}`;
  const tokens = hints.toLowerCase().split(/\s+/).filter(Boolean);
  return [...tokens, ...tokens.flatMap((token) => token.split(/[_-]+/).filter(Boolean))];
}

function isPostLike(element: Element): boolean {
  if (!POST_TAGS.has(element.name)) return false;
  if (element.attribs['data-author'] !== undefined) return true;
  if (/(Comment|Answer|Question|DiscussionForumPosting|SocialMediaPosting)$/.test(element.attribs.itemtype ?? '')) return true;
  if (/^(js-)?(post|comment|answer|reply)[-_]?\d+$/i.test(element.attribs.id ?? '')) return true;
  return words(element).some((word) => POST_WORDS.has(word));
}

function textLength(node: ChildNode): number {
  return collectText(node).replace(/\s+/g, ' ').trim().length;
}

/**
 * Wraps each post of a thread page in a <cf-post> marker and returns what to render: opening
 * posts that precede the reply list outside it, then the reply list. Returns an empty list
 * for pages that are not threads.
 */
export function markForumPosts(root: Element): Element[] {
  const thread = threadPosts(root);
  if (!thread) return [];

  const { posts, container } = thread;
  // The question or opening post, when the page keeps it apart from the replies: the nearest one before them.
  const postSet = new Set(posts);
  const opening = outermostMatches(root, isPostLike)
    .filter((element) => !postSet.has(element) && !isInside(element, container) && precedes(element, container) && textLength(element) >= 50)
    .slice(-1);

  const replacements = new Map<ChildNode, ChildNode | undefined>();
  const openingMarkers = opening.map((post) => {
    const marker = postMarker(post);
    replacements.set(post, marker);
    return marker;
  });
  for (const post of posts) replacements.set(post, postMarker(post));
  replaceNodes(replacements);
  // A thread written as a list would otherwise number its posts like list items.
  if (container.name === 'ul' || container.name === 'ol') container.name = 'div';
  return [...openingMarkers, container];
}

/**
 * Finds the largest group of post-like elements that share a container. Posts wrapped one by
 * one (vBulletin puts each post table in its own div) are grouped by the wrappers' parent.
 */
function threadPosts(root: Element): { posts: Element[]; container: Element } | undefined {
  // Keyed by container and tag: a post's header and body divs are not two posts.
  const groups = new Map<Element, Map<string, Element[]>>();
  for (const element of elementsOf(root)) {
    if (!isPostLike(element)) continue;
    const container = postContainer(element, root);
    if (!container) continue;
    const byTag = groups.get(container) ?? new Map<string, Element[]>();
    const group = byTag.get(element.name) ?? [];
    group.push(element);
    byTag.set(element.name, group);
    groups.set(container, byTag);
  }

  let best: Element[] = [];
  let bestContainer: Element | undefined;
  let bestText = 0;
  const candidates = [...groups].flatMap(([container, byTag]) => [...byTag.values()].map((group) => [container, group] as const));
  for (const [container, group] of candidates) {
    if (group.length < 2 || !signedByAuthors(group)) continue;
    const text = group.reduce((sum, element) => sum + textLength(element), 0);
    if (text > bestText) {
      best = group;
      bestContainer = container;
      bestText = text;
    }
  }
  if (!bestContainer || bestText < textLength(root) * THREAD_TEXT_SHARE) return undefined;
  if (areArticleComments(best, bestContainer, root)) return undefined;
  return { posts: best, container: bestContainer };
}

/**
 * Forum posts name their author or date, and a thread has more than one author. Blocks of an
 * article that happen to be named "post" have neither, or repeat the article's one byline.
 */
function signedByAuthors(group: Element[]): boolean {
  const authors = group.map(postAuthor);
  const signed = group.filter((post, i) => authors[i] !== undefined || postDate(post) !== undefined).length;
  const distinctAuthors = new Set(authors.filter((author) => author !== undefined)).size;
  return signed >= group.length * 0.6 && distinctAuthors !== 1;
}

/** Returns the parent of the post, or of the chain of single-child wrappers around it. */
function postContainer(post: Element, root: Element): Element | undefined {
  let unit = post;
  for (let hops = 0; hops < 3; hops++) {
    const parent = unit.parent;
    if (!parent || !isTag(parent) || parent === root) break;
    if (parent.children.filter(isTag).length !== 1) break;
    unit = parent;
  }
  return unit.parent && isTag(unit.parent) ? unit.parent : undefined;
}

/**
 * Comments under a blog or news article are not a thread: the article is the content and its
 * comments are left out, like other reader contributions around it.
 */
function areArticleComments(posts: Element[], container: Element, root: Element): boolean {
  const onlyComments = posts.every((post) => {
    const postWords = words(post);
    return postWords.some((word) => word === 'comment' || word === 'comments') && !postWords.some((word) => FORUM_WORDS.has(word));
  });
  if (!onlyComments) return false;
  const article = outermostMatches(root, (element) => element.name === 'article' || element.attribs.itemprop === 'articleBody');
  return article.some((element) => element !== container && !isInside(container, element) && textLength(element) >= 500);
}

function isInside(element: Element, ancestor: Element): boolean {
  for (let current = element.parent; current; current = current.parent) if (current === ancestor) return true;
  return false;
}

function precedes(element: Element, other: Element): boolean {
  return (element.startIndex ?? 0) < (other.startIndex ?? 0) || documentOrder(element, other) < 0;
}

/** Document order of two elements without source positions: compares their ancestor paths. */
function documentOrder(a: Element, b: Element): number {
  const path = (node: Element): number[] => {
    const indexes: number[] = [];
    let current: ChildNode = node;
    while (current.parent) {
      indexes.unshift(current.parent.children.indexOf(current));
      current = current.parent as unknown as ChildNode;
    }
    return indexes;
  };
  const pathA = path(a);
  const pathB = path(b);
  for (let i = 0; i < Math.min(pathA.length, pathB.length); i++) if (pathA[i] !== pathB[i]) return pathA[i]! - pathB[i]!;
  return pathA.length - pathB.length;
}

function postMarker(post: Element): Element {
  const author = postAuthor(post);
  const date = postDate(post);
  const accepted = isAcceptedAnswer(post);
  removeNodes(outermostMatches(post, (element) => words(element).some((word) => SIGNATURE_WORDS.has(word))));

  const body = postBody(post);
  // vBulletin writes each post body as <blockquote class="postcontent">; it is not a quote.
  for (const element of [body, ...elementsOf(body)]) {
    if (element.name === 'blockquote' && words(element).some((word) => BODY_WORDS.has(word) || word === 'postcontent')) element.name = 'div';
  }
  const attribs: Record<string, string> = {};
  if (author) attribs.author = author;
  if (date) attribs.date = date;
  if (accepted) attribs.accepted = 'true';
  // The marker takes the post's children rather than the post, whose parent link must stay
  // intact until the post is replaced.
  return createElement(POST_MARKER, attribs, body === post ? [...post.children] : [body]);
}

function shortText(element: Element | undefined, max: number): string | undefined {
  if (!element) return undefined;
  const text = collectText(element).replace(/\s+/g, ' ').trim();
  return text !== '' && text.length <= max ? text : undefined;
}

function postAuthor(post: Element): string | undefined {
  const attribute = post.attribs['data-author']?.trim();
  if (attribute) return attribute;
  for (const element of elementsOf(post)) {
    const isAuthor = element.attribs.itemprop === 'author' || words(element).some((word) => AUTHOR_WORDS.has(word));
    const text = isAuthor ? shortText(element, 60) : undefined;
    if (text && !text.startsWith('#')) return text;
  }
  return undefined;
}

function postDate(post: Element): string | undefined {
  for (const element of elementsOf(post)) {
    if (element.name === 'time') return element.attribs.datetime?.trim() || shortText(element, 60);
    if (words(element).some((word) => DATE_WORDS.has(word))) {
      const text = shortText(element, 40);
      if (text && /\d/.test(text)) return text;
    }
  }
  return undefined;
}

function isAcceptedAnswer(post: Element): boolean {
  if (post.attribs.itemprop === 'acceptedAnswer') return true;
  return words(post).some((word) => word === 'accepted' || word === 'accepted-answer' || word === 'solution');
}

/** Finds the element that contains the post's own text: the richest descendant named like a message body. */
function postBody(post: Element): Element {
  let best: Element | undefined;
  let bestLength = 0;
  for (const element of elementsOf(post)) {
    if (!words(element).some((word) => BODY_WORDS.has(word))) continue;
    const length = textLength(element);
    if (length > bestLength) {
      best = element;
      bestLength = length;
    }
  }
  return best ?? post;
}

/** Forum quotes written as divs (`bbcode_quote`, `quote_container`) become blockquotes. */
export function markQuotes(root: Element): void {
  const quotes = outermostMatches(root, (element) => element.name === 'div' && words(element).includes('quote'));
  for (const quote of quotes) quote.name = 'blockquote';
}

/** Header line of a post block, for example `[post] alice · 2020-01-02 · accepted answer`. */
export function renderPostHeader(post: Element): string {
  const parts: string[] = [];
  if (post.attribs.author) parts.push(post.attribs.author);
  if (post.attribs.date) parts.push(post.attribs.date);
  if (post.attribs.accepted === 'true') parts.push('accepted answer');
  return parts.length === 0 ? '[post]' : `[post] ${parts.join(' · ')}`;
}
