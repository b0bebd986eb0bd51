// Text length, link-text length and comma count below every element, the measurements that
// boilerplate removal and main-content selection decide on.
import { elementsOf, isTag, isText, type Element, type ParentNode } from './dom';

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

export function linkDensity(stats: TextStats | undefined): number {
  if (!stats || stats.text === 0) return 0;
  return stats.link / stats.text;
}
