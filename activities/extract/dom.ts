// Parsing and small DOM helpers for the extractor. The parser (htmlparser2) and the tree
// builder (domhandler) keep their own explicit stacks, so parsing never recurses. Every walk
// in this folder that does recurse relies on capDepth() having bounded the tree first.
import { Parser } from 'htmlparser2';
import { DomHandler, Element, Text, isTag, isText } from 'domhandler';
import type { AnyNode, ChildNode, Document, ParentNode } from 'domhandler';

/** Thrown when a page exceeds a configured size limit; callers reject it as `document_too_large`. */
export class DocumentTooLargeError extends Error {
  readonly reason = 'document_too_large';
  constructor(message: string) {
    super(message);
    this.name = 'DocumentTooLargeError';
  }
}

class CountingDomHandler extends DomHandler {
  nodeCount = 0;

  constructor(private readonly maxNodes: number) {
    super(null, { xmlMode: false });
  }

  protected override addNode(node: ChildNode): void {
    this.nodeCount += 1;
    if (this.nodeCount > this.maxNodes) {
      throw new DocumentTooLargeError(
        `HTML page has more than ${this.maxNodes} nodes (maxNodes); raise maxNodes or reject the page`,
      );
    }
    super.addNode(node);
  }
}

/** Parses HTML into a domhandler tree, throwing DocumentTooLargeError past `maxNodes` nodes. */
export function parseHtml(html: string, maxNodes: number): Document {
  const handler = new CountingDomHandler(maxNodes);
  const parser = new Parser(handler, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  parser.end(html);
  return handler.root;
}

/**
 * Replaces the children of every element at `maxDepth` by one text node holding their text,
 * so later recursive walks stay within `maxDepth` frames. Iterative, so 5,000-level pages
 * do not overflow the stack. Returns how many subtrees were flattened.
 */
export function capDepth(root: ParentNode, maxDepth: number): number {
  let flattened = 0;
  const stack: Array<[ParentNode, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth >= maxDepth && node.children.some(isTag)) {
      const text = new Text(collectText(node));
      text.parent = node;
      node.children = [text];
      flattened += 1;
      continue;
    }
    for (const child of node.children) {
      if (isTag(child)) stack.push([child, depth + 1]);
    }
  }
  return flattened;
}

/** Concatenates the text of all descendant text nodes, iteratively and in document order. */
export function collectText(node: AnyNode): string {
  const parts: string[] = [];
  const stack: AnyNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (isText(current)) {
      parts.push(current.data);
    } else if ('children' in current) {
      for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i]!);
    }
  }
  return parts.join('');
}

/** Visits every element under `root` in document order, iteratively. */
export function* elementsOf(root: ParentNode): Generator<Element> {
  const stack: ChildNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isTag(node)) continue;
    yield node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}

/** Lower-cased class and id of an element, space separated, for hint matching. */
export function classAndId(element: Element): string {
  const cls = element.attribs.class ?? '';
  const id = element.attribs.id ?? '';
  return `${cls} ${id}`.toLowerCase();
}

export function classList(element: Element): string[] {
  return (element.attribs.class ?? '').toLowerCase().split(/\s+/).filter(Boolean);
}

export function hasClass(element: Element, name: string): boolean {
  return classList(element).includes(name);
}

export function removeNode(node: ChildNode): void {
  const parent = node.parent;
  if (!parent) return;
  const index = parent.children.indexOf(node);
  if (index >= 0) parent.children.splice(index, 1);
  node.parent = null;
}

/** Removes many nodes in one pass per parent, so pages with huge sibling lists stay linear. */
export function removeNodes(nodes: ChildNode[]): void {
  const byParent = new Map<ParentNode, Set<ChildNode>>();
  for (const node of nodes) {
    if (!node.parent) continue;
    const set = byParent.get(node.parent) ?? new Set<ChildNode>();
    set.add(node);
    byParent.set(node.parent, set);
  }
  for (const [parent, removed] of byParent) {
    parent.children = parent.children.filter((child) => !removed.has(child));
    for (const node of removed) node.parent = null;
  }
}

/** Replaces many nodes, each by its paired node or by nothing, in one pass per parent. */
export function replaceNodes(replacements: Map<ChildNode, ChildNode | undefined>): void {
  const parents = new Set<ParentNode>();
  for (const node of replacements.keys()) if (node.parent) parents.add(node.parent);
  for (const parent of parents) {
    const children: ChildNode[] = [];
    for (const child of parent.children) {
      if (!replacements.has(child)) {
        children.push(child);
        continue;
      }
      const replacement = replacements.get(child);
      child.parent = null;
      if (replacement) {
        replacement.parent = parent;
        children.push(replacement);
      }
    }
    parent.children = children;
  }
}

export function replaceNode(node: ChildNode, replacement: ChildNode): void {
  const parent = node.parent;
  if (!parent) return;
  const index = parent.children.indexOf(node);
  if (index < 0) return;
  parent.children[index] = replacement;
  replacement.parent = parent;
  node.parent = null;
}

/** Creates a detached element, used for the extractor's own marker elements. */
export function createElement(name: string, attribs: Record<string, string>, children: ChildNode[] = []): Element {
  const element = new Element(name, attribs, children);
  for (const child of children) child.parent = element;
  return element;
}

export function findFirst(root: ParentNode, test: (element: Element) => boolean): Element | undefined {
  for (const element of elementsOf(root)) if (test(element)) return element;
  return undefined;
}

export { isTag, isText, Element, Text };
export type { AnyNode, ChildNode, Document, ParentNode };

/** Elements matching `test` that have no matching ancestor, in document order; iterative. */
export function outermostMatches(root: ParentNode, test: (element: Element) => boolean): Element[] {
  const matches: Element[] = [];
  const stack: ChildNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isTag(node)) continue;
    if (test(node)) {
      matches.push(node);
      continue;
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return matches;
}
