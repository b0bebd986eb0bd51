// Renders the cleaned content tree as plain text with Markdown conventions: headings, lists,
// quotes, fenced code, tables and $math$. Emphasis and link targets are left out on purpose:
// they add markup tokens to training text without adding content.
// Recursion depth follows the DOM depth, which capDepth() bounds before rendering.
import { codeLanguage, codeText, fenceCode, inlineCode } from './code';
import { collectText, isTag, isText, type ChildNode, type Element, type ParentNode } from './dom';
import { MATH_MARKER, renderMath } from './math';
import { POST_MARKER, renderPostHeader } from './forum';
import { gridToMarkdown, isDataTable, tableGrid } from './table';

export interface RenderCounts {
  mathCount: number;
  codeBlockCount: number;
  tableCount: number;
  postCount: number;
}

const SKIPPED = new Set([
  'script', 'style', 'noscript', 'template', 'head', 'title', 'meta', 'link', 'iframe', 'object', 'embed',
  'svg', 'canvas', 'video', 'audio', 'source', 'track', 'img', 'picture', 'map', 'area', 'input', 'button',
  'select', 'option', 'textarea', 'datalist', 'dialog',
]);

const BLOCKS = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'body', 'html', 'form', 'fieldset',
  'figure', 'figcaption', 'address', 'details', 'summary', 'center', 'dt', 'dd', 'dl', 'hgroup', 'legend', 'caption',
  'tr', 'td', 'th', 'tbody', 'thead', 'tfoot', 'li', 'search',
]);

/** Accumulates finished blocks and the inline text of the block being written. */
class Output {
  readonly blocks: string[] = [];
  private line = '';
  /** True right after inline math, whose rendered spacing often comes from CSS, not from the HTML. */
  private afterInlineMath = false;

  appendText(text: string): void {
    let collapsed = text.replace(/[ \t\n\r\f\u00a0\u200b]+/g, ' ');
    if (collapsed === '') return;
    if (collapsed.startsWith(' ') && (this.line === '' || /[ \n]$/.test(this.line))) collapsed = collapsed.slice(1);
    if (this.afterInlineMath && /^[\p{L}\p{N}]/u.test(collapsed)) collapsed = ' ' + collapsed;
    this.afterInlineMath = false;
    this.line += collapsed;
  }

  /** Appends inline math, keeping it apart from a word that touches it in the HTML (`$k$ heads`, not `$k$heads`). */
  appendInlineMath(text: string): void {
    if (/[\p{L}\p{N}]$/u.test(this.line)) this.line += ' ';
    this.line += text;
    this.afterInlineMath = true;
  }

  /** Appends text that must keep its characters, such as inline code. */
  appendRaw(text: string): void {
    this.afterInlineMath = false;
    this.line += text;
  }

  lineBreak(): void {
    this.line = this.line.replace(/ +$/, '') + '\n';
  }

  flush(): void {
    const text = this.line
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .join('\n');
    this.line = '';
    if (text !== '') this.blocks.push(text);
  }

  pushBlock(block: string): void {
    this.flush();
    if (block.trim() !== '') this.blocks.push(block);
  }
}

export class MarkdownRenderer {
  readonly counts: RenderCounts = { mathCount: 0, codeBlockCount: 0, tableCount: 0, postCount: 0 };

  /** Renders the children of `root` to Markdown blocks separated by blank lines. */
  render(root: ParentNode): string {
    return this.renderBlocks(root.children).join('\n\n');
  }

  private renderBlocks(nodes: ChildNode[]): string[] {
    const out = new Output();
    for (const node of nodes) this.renderNode(node, out);
    out.flush();
    return out.blocks;
  }

  private renderNode(node: ChildNode, out: Output): void {
    if (isText(node)) {
      out.appendText(node.data);
      return;
    }
    if (!isTag(node)) return;

    const name = node.name;
    if (SKIPPED.has(name)) return;

    if (name === MATH_MARKER) return this.renderMathMarker(node, out);
    if (name === POST_MARKER) return this.renderPost(node, out);
    if (name === 'br') return out.lineBreak();
    if (name === 'pre') return this.renderPre(node, out);
    if (name === 'code' || name === 'kbd' || name === 'samp' || name === 'tt') return out.appendRaw(inlineCode(this.inlineText(node)));
    if (/^h[1-6]$/.test(name)) return this.renderHeading(node, out);
    if (name === 'ul' || name === 'ol' || name === 'menu') return this.renderList(node, out);
    if (name === 'blockquote') return this.renderQuote(node, out);
    if (name === 'table') return this.renderTable(node, out);
    if (name === 'hr') return out.flush();

    const block = BLOCKS.has(name);
    if (block) out.flush();
    for (const child of node.children) this.renderNode(child, out);
    if (block) out.flush();
  }

  private renderMathMarker(marker: Element, out: Output): void {
    const math = renderMath(marker);
    this.counts.mathCount += 1;
    if (math.display) out.pushBlock(math.text);
    else out.appendInlineMath(math.text.replace(/\s*\n\s*/g, ' '));
  }

  private renderPre(pre: Element, out: Output): void {
    const code = codeText(pre);
    if (code.trim() === '') return;
    this.counts.codeBlockCount += 1;
    out.pushBlock(fenceCode(code, codeLanguage(pre)));
  }

  private renderHeading(heading: Element, out: Output): void {
    const text = this.inlineText(heading);
    if (text === '') return;
    out.pushBlock(`${'#'.repeat(Number(heading.name[1]))} ${text}`);
  }

  private renderList(list: Element, out: Output): void {
    const ordered = list.name === 'ol';
    const start = Number.parseInt(list.attribs.start ?? '1', 10);
    let index = Number.isFinite(start) ? start : 1;
    const items: string[] = [];
    for (const child of list.children) {
      // Text or inline elements directly inside a list still belong to it.
      const content = isTag(child) && child.name === 'li' ? child.children : [child];
      const text = this.renderBlocks(content).join('\n');
      if (text === '') continue;
      const marker = ordered ? `${index}. ` : '- ';
      index += 1;
      items.push(marker + text.split('\n').join('\n' + ' '.repeat(marker.length)));
    }
    out.pushBlock(items.join('\n'));
  }

  private renderQuote(quote: Element, out: Output): void {
    const text = this.renderBlocks(quote.children).join('\n\n');
    if (text === '') return;
    out.pushBlock(text.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n'));
  }

  private renderTable(table: Element, out: Output): void {
    if (!isDataTable(table)) {
      out.flush();
      for (const child of table.children) this.renderNode(child, out);
      out.flush();
      return;
    }
    const markdown = gridToMarkdown(tableGrid(table, (cell) => this.renderBlocks(cell.children).join(' ')));
    if (markdown === '') return;
    this.counts.tableCount += 1;
    out.pushBlock(markdown);
  }

  private renderPost(post: Element, out: Output): void {
    const body = this.renderBlocks(post.children).join('\n\n');
    if (body === '') return;
    this.counts.postCount += 1;
    out.pushBlock(`${renderPostHeader(post)}\n\n${body}`);
  }

  /** Renders an element's text on one line, for headings and inline code. */
  private inlineText(element: Element): string {
    if (element.name === 'code' || element.name === 'kbd' || element.name === 'samp' || element.name === 'tt') {
      return collectText(element);
    }
    return this.renderBlocks(element.children).join(' ').replace(/\s*\n\s*/g, ' ');
  }
}
