// Main-content extraction from one decoded HTML page. Pure and synchronous, so it can run in
// a worker thread: parse, bound the tree, rewrite math and code chrome, drop boilerplate,
// choose the main content, render it as Markdown-flavoured text.
import { removeChromeByHints, removeLinkClusters, removeNonContent } from './boilerplate';
import { removeCodeChrome } from './code';
import { capDepth, collectText, createElement, findFirst, parseHtml, type Document, type Element } from './dom';
import { markForumPosts, markQuotes } from './forum';
import { selectMainContent } from './main-content';
import { MarkdownRenderer } from './markdown';
import { normalizeMath } from './math';
import { computeTextStats } from './text-stats';

export { DocumentTooLargeError } from './dom';

export interface ExtractedPage {
  /** Plain text with Markdown conventions (headings, lists, code fences, tables, $math$). */
  text: string;
  title?: string;
  metadata: { mathCount: number; codeBlockCount: number; tableCount: number; postCount: number; [k: string]: unknown };
}

export interface ExtractOptions {
  url?: string;
  /** Maximum number of DOM nodes; a larger page is rejected with DocumentTooLargeError. */
  maxNodes?: number;
  /** Elements deeper than this are flattened to their text, bounding every recursive walk. */
  maxDepth?: number;
}

/**
 * Default node limit. The densest of the 59 gold test pages has about 37,000 nodes per MB, so
 * a 10 MB page of such markup has about 370,000. Two million leaves headroom and still bounds memory.
 */
export const DEFAULT_MAX_NODES = 2_000_000;
/** The deepest of the 59 gold test pages nests 34 levels. 200 keeps recursion far from Node's stack limit. */
export const DEFAULT_MAX_DEPTH = 200;

/**
 * Extracts the main content of an HTML page. Returns empty text for a page without content.
 * Throws DocumentTooLargeError (reason `document_too_large`) for pages beyond `maxNodes`.
 */
export function extractPage(html: string, options: ExtractOptions = {}): ExtractedPage {
  const document = parseHtml(html, options.maxNodes ?? DEFAULT_MAX_NODES);
  capDepth(document, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  const title = pageTitle(document);

  const body = findFirst(document, (element) => element.name === 'body') ?? wrapInBody(document);
  normalizeMath(body);
  removeCodeChrome(body);
  removeNonContent(body);

  markQuotes(body);
  const threadContainers = markForumPosts(body);

  const pageStats = computeTextStats(body);
  removeChromeByHints(body, pageStats, pageStats.get(body)?.text ?? 0);

  const stats = computeTextStats(body);
  const attached = threadContainers.filter((container) => isInside(container, body));
  const content = attached.length > 0 ? attached : selectMainContent(body, stats);
  removeLinkClusters(content, stats);

  const renderer = new MarkdownRenderer();
  const text = renderer.render(createElement('cf-root', {}, content.map((node) => detach(node))));

  return {
    text,
    ...(title === undefined ? {} : { title }),
    metadata: { ...renderer.counts, ...(options.url === undefined ? {} : { url: options.url }) },
  };
}

/** Wraps a page without <body> (a fragment, or only <head>) so all of it is read as body. */
function wrapInBody(document: Document): Element {
  const children = document.children.filter((child) => !(child.type === 'tag' && (child as Element).name === 'head'));
  return createElement('body', {}, children);
}

function isInside(node: Element, ancestor: Element): boolean {
  for (let current = node.parent; current; current = current.parent) if (current === ancestor) return true;
  return false;
}

function detach<T extends { parent: unknown }>(node: T): T {
  node.parent = null;
  return node;
}

function pageTitle(document: Document): string | undefined {
  const ogTitle = findFirst(document, (element) => element.name === 'meta' && element.attribs.property === 'og:title');
  const candidates = [
    findFirst(document, (element) => element.name === 'title'),
    ogTitle ? undefined : findFirst(document, (element) => element.name === 'h1'),
  ];
  const ogText = ogTitle?.attribs.content?.trim();
  if (ogText) return ogText;
  for (const candidate of candidates) {
    const text = candidate ? collectText(candidate).replace(/\s+/g, ' ').trim() : '';
    if (text) return text;
  }
  return undefined;
}
