import { describe, expect, it } from 'vitest';
import { extractPage } from '../../../activities/extract/extract-page';
import { hasWebData, loadPage, page } from './fixtures';

const prose = '<p>This paragraph is ordinary prose, long enough to count as content, with commas, clauses and a full stop.</p>';

describe('code extraction', () => {
  it('keeps indentation and fences with the named language', () => {
    const code = 'def f(x):\n    if x:\n\treturn  x  * 2\n\n    return 0';
    const html = page(`<article>${prose}<pre><code class="language-python">${code}</code></pre>${prose}</article>`);
    const { text, metadata } = extractPage(html);
    expect(text).toContain('```python\n' + code + '\n```');
    expect(metadata.codeBlockCount).toBe(1);
  });

  it('removes line-number gutters and copy buttons', () => {
    const html = page(`<article>${prose}<div class="highlight-js"><table class="highlighttable"><tr>
      <td class="linenos"><pre>1\n2</pre></td><td class="code"><pre>let a = 1;\nlet b = 2;</pre></td></tr></table>
      <button class="copy-button">Copy</button></div>${prose}</article>`);
    const { text } = extractPage(html);
    expect(text).toContain('```js\nlet a = 1;\nlet b = 2;\n```');
    expect(text).not.toContain('Copy');
    expect(text).not.toMatch(/```\n1\n2/);
  });

  it('turns br and per-line divs into newlines', () => {
    const html = page(`<article>${prose}<pre><div class="line">a = 1</div><div class="line">  b = 2</div></pre><pre>x<br>  y</pre></article>`);
    const { text } = extractPage(html);
    expect(text).toContain('```\na = 1\n  b = 2\n```');
    expect(text).toContain('```\nx\n  y\n```');
  });

  it('keeps inline code inline', () => {
    const html = page(`<article>${prose}<p>Call <code>len(xs)</code> to count.</p></article>`);
    expect(extractPage(html).text).toContain('Call `len(xs)` to count.');
  });

  it('lengthens the fence around code holding backticks', () => {
    const html = page(`<article>${prose}<pre>echo \`\`\`</pre></article>`);
    expect(extractPage(html).text).toContain('````\necho ```\n````');
  });
});

describe.skipIf(!hasWebData)('code on real pages', () => {
  it('keeps the V8 blog C example byte for byte', () => {
    const { text } = extractPage(loadPage('readability/v8-blog.html'));
    const expected = '```c\n// add.c\n#include <emscripten.h>\n\nEMSCRIPTEN_KEEPALIVE\nint add(int x, int y) {\n  return x + y;\n}\n```';
    expect(text).toContain(expected);
  });

  it('keeps the V8 blog WebAssembly text indentation', () => {
    const { text } = extractPage(loadPage('readability/v8-blog.html'));
    expect(text).toContain('(func $add (param $0 i32) (param $1 i32) (result i32)\n (i32.add\n  (local.get $0)\n  (local.get $1)\n )\n)');
  });
});
