// Code blocks: exact text of a <pre>, the language the page names for it, and the Markdown
// fence around it. Line-number gutters and copy buttons are removed before rendering, by
// removeCodeChrome(), because highlighters put them inside or beside the <pre>.
import { classList, collectText, findFirst, isTag, isText, outermostMatches, removeNodes, type Element, type ParentNode } from './dom';

const GUTTER_CLASSES = new Set([
  'gutter',
  'linenos',
  'lineno',
  'linenodiv',
  'line-numbers-rows',
  'line-number',
  'line-numbers',
  'hljs-ln-numbers',
  'hljs-ln-n',
  'blob-num',
  'code-line-number',
  'react-line-number',
]);

function isGutter(element: Element): boolean {
  if (element.attribs['data-line-number'] !== undefined && collectText(element).trim() === '') return true;
  return classList(element).some((name) => GUTTER_CLASSES.has(name));
}

/** Copy buttons are short controls. A wrapper named after the clipboard that contains the code itself is kept. */
function isCopyButton(element: Element): boolean {
  if (element.name === 'button') return true;
  if (!classList(element).some((name) => /(^|[-_])(copy|clipboard)([-_]|$)/.test(name))) return false;
  return findFirst(element, (child) => child.name === 'pre' || child.name === 'code') === undefined && collectText(element).trim().length <= 20;
}

/** Removes line-number gutters everywhere and copy buttons near code. Returns how many. */
export function removeCodeChrome(root: ParentNode): number {
  const chrome = outermostMatches(root, (element) => isGutter(element) || (isCopyButton(element) && nearCode(element)));
  removeNodes(chrome);
  return chrome.length;
}

function nearCode(element: Element): boolean {
  if (element.name === 'button') return true;
  let current: ParentNode | null = element.parent;
  for (let hops = 0; current && hops < 4; hops++) {
    if (isTag(current) && (current.name === 'pre' || classList(current).some((name) => /highlight|code/.test(name)))) return true;
    current = current.parent;
  }
  return false;
}

const NOT_A_LANGUAGE = new Set(['none', 'text', 'plain', 'plaintext', 'default', 'notranslate', 'nohighlight', 'txt', 'source', 'code']);

/** Language named by the page for a <pre>, from its classes, its <code> child or its wrappers. */
export function codeLanguage(pre: Element): string | undefined {
  const candidates: Element[] = [pre];
  const code = pre.children.find((child): child is Element => isTag(child) && child.name === 'code');
  if (code) candidates.unshift(code);
  let ancestor = pre.parent;
  for (let hops = 0; ancestor && isTag(ancestor) && hops < 5; hops++) {
    candidates.push(ancestor);
    ancestor = ancestor.parent;
  }

  for (const element of candidates) {
    const attribute = element.attribs['data-lang'] ?? element.attribs['data-language'];
    if (attribute && isLanguageName(attribute)) return attribute.toLowerCase();
    for (const name of classList(element)) {
      const match = /^(?:language|lang|highlight|brush|source)-([a-z0-9+#._-]+)$/.exec(name);
      if (match && isLanguageName(match[1]!)) return match[1]!;
    }
    const brush = /brush:\s*([a-z0-9+#]+)/i.exec(element.attribs.class ?? '');
    if (brush && isLanguageName(brush[1]!)) return brush[1]!.toLowerCase();
  }
  return undefined;
}

function isLanguageName(name: string): boolean {
  return /^[a-z0-9+#._-]{1,30}$/i.test(name) && !NOT_A_LANGUAGE.has(name.toLowerCase());
}

/**
 * Text of a <pre> with its whitespace exactly as written. `<br>` becomes a newline, and a
 * block-level child (one <div> per line, as some highlighters emit) ends its line.
 */
export function codeText(pre: Element): string {
  const parts: string[] = [];
  const stack: Array<Element['children'][number] | 'newline'> = [...pre.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === 'newline') {
      if (parts.length > 0 && !parts[parts.length - 1]!.endsWith('\n')) parts.push('\n');
      continue;
    }
    if (isText(node)) {
      parts.push(node.data);
      continue;
    }
    if (!isTag(node)) continue;
    if (node.name === 'br') {
      parts.push('\n');
      continue;
    }
    if (node.name === 'div' || node.name === 'p' || node.name === 'li') stack.push('newline');
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }

  // HTML drops one newline right after <pre>; trailing newlines would only pad the fence.
  return parts.join('').replace(/^\r?\n/, '').replace(/[\r\n]+$/, '');
}

/** Wraps code in a Markdown fence longer than any backtick run inside the code. */
export function fenceCode(code: string, language: string | undefined): string {
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language ?? ''}\n${code}\n${fence}`;
}

/** Inline code with a backtick delimiter longer than any run inside it. */
export function inlineCode(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ');
  if (collapsed.trim() === '') return collapsed;
  const longestRun = Math.max(0, ...(collapsed.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = longestRun > 0 ? ' ' : '';
  return `${fence}${pad}${collapsed}${pad}${fence}`;
}
