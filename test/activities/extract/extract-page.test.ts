import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DocumentTooLargeError, extractPage } from '../../../activities/extract/extract-page';
import { hasWebData, loadPage, page, webDataDir } from './fixtures';

const paragraph = (text: string): string => `<p>${text} This sentence adds ordinary prose, with commas, so the block reads as content.</p>`;

describe('main content', () => {
  const html = page(
    `<header class="site-header"><a href="/">Logo</a><nav><a href="/a">News</a> <a href="/b">Sport</a></nav></header>
    <div id="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
    <main><article>
      <h1>Storm hits the coast</h1>
      ${paragraph('Heavy rain fell overnight.')}
      <h2>Damage</h2>
      <ul><li>Roads closed</li><li>Power cut in two towns</li></ul>
      ${paragraph('Crews worked until dawn.')}
      <div class="share-bar"><a href="/s/fb">Share on Facebook</a> <a href="/s/tw">Share on Twitter</a></div>
    </article>
    <aside class="related"><h3>Related</h3><ul><li><a href="/1">Older storm story</a></li><li><a href="/2">Weather archive</a></li></ul></aside>
    </main>
    <form class="comment-form"><textarea>Leave a comment</textarea></form>
    <footer>© 2024 Coast News · Imprint · Privacy</footer>`,
    '<title>Storm hits the coast | Coast News</title>',
  );

  it('keeps headings, paragraphs and lists in order', () => {
    const { text } = extractPage(html);
    expect(text).toBe(
      [
        '# Storm hits the coast',
        'Heavy rain fell overnight. This sentence adds ordinary prose, with commas, so the block reads as content.',
        '## Damage',
        '- Roads closed\n- Power cut in two towns',
        'Crews worked until dawn. This sentence adds ordinary prose, with commas, so the block reads as content.',
      ].join('\n\n'),
    );
  });

  it('drops navigation, banners, share bars, related links and footers', () => {
    const { text } = extractPage(html);
    for (const boilerplate of ['News', 'cookies', 'Share on', 'Older storm story', 'Leave a comment', 'Imprint']) {
      expect(text).not.toContain(boilerplate);
    }
  });

  it('renders nested lists, quotes and definitions', () => {
    const html = page(`<article>${paragraph('Intro.')}<ol start="3"><li>Three<ul><li>nested a</li><li>nested b</li></ul></li>
      <li>Four<blockquote>quoted</blockquote></li></ol><dl><dt>Term</dt><dd>Definition</dd></dl>
      <h2>Setup <a class="headerlink" href="#setup">¶</a></h2><p>line one<br>line two</p></article>`);
    const { text } = extractPage(html);
    expect(text).toContain('3. Three\n   - nested a\n   - nested b\n4. Four\n   > quoted');
    expect(text).toContain('Term\n\nDefinition');
    expect(text).toContain('## Setup\n\nline one\nline two');
  });

  it('reports title, url and structure counts', () => {
    const result = extractPage(html, { url: 'https://example.com/storm' });
    expect(result.title).toBe('Storm hits the coast | Coast News');
    expect(result.metadata).toEqual({ mathCount: 0, codeBlockCount: 0, tableCount: 0, postCount: 0, url: 'https://example.com/storm' });
  });
});

describe('robustness', () => {
  it('returns empty text for a page without content', () => {
    expect(extractPage('').text).toBe('');
    expect(extractPage('<html><head><title>Empty</title></head></html>')).toEqual({
      text: '',
      title: 'Empty',
      metadata: { mathCount: 0, codeBlockCount: 0, tableCount: 0, postCount: 0 },
    });
  });

  it('extracts a page with no body element', () => {
    expect(extractPage('<title>Fragment</title><p>Just a paragraph, without html or body tags.</p>').text).toBe(
      'Just a paragraph, without html or body tags.',
    );
  });

  it('survives 5,000 levels of nesting', () => {
    const html = page('<div>'.repeat(5000) + 'deep text at the bottom' + '</div>'.repeat(5000));
    expect(extractPage(html).text).toBe('deep text at the bottom');
  });

  it('survives 5,000 unclosed inline elements', () => {
    const html = page('<p>start' + '<b><i>x'.repeat(5000) + ' end</p>');
    const { text } = extractPage(html);
    expect(text.startsWith('start')).toBe(true);
    expect(text).toContain('end');
  });

  it('keeps a page that is one giant pre', () => {
    const code = 'line of preformatted text\n'.repeat(200_000).trimEnd();
    const { text, metadata } = extractPage(page(`<pre>${code}</pre>`));
    expect(text).toBe('```\n' + code + '\n```');
    expect(metadata.codeBlockCount).toBe(1);
  });

  it('extracts a 10 MB page', () => {
    const block = '<div class="post-body"><p>Paragraph text, with commas, about nothing in particular.</p><a href="/x">link</a></div>';
    const html = page(block.repeat(Math.ceil(10_000_000 / block.length)));
    expect(html.length).toBeGreaterThan(10_000_000);
    const { text } = extractPage(html);
    expect(text).toContain('Paragraph text, with commas, about nothing in particular.');
  });

  it('rejects a page over the node limit with a clear error', () => {
    const html = page('<span>x</span>'.repeat(2000));
    expect(() => extractPage(html, { maxNodes: 1000 })).toThrow(DocumentTooLargeError);
    expect(() => extractPage(html, { maxNodes: 1000 })).toThrow('HTML page has more than 1000 nodes (maxNodes); raise maxNodes or reject the page');
  });

  it('does not throw on broken markup', () => {
    for (const html of ['<<<>>>', '<p <b>>x</p>', '</div></div><td>cell', '<table><tr><td rowspan="999999999" colspan="-4">x</table>', '<math><mfrac></math>', '<script type="math/tex">\\frac{</script>']) {
      expect(() => extractPage(html)).not.toThrow();
    }
  });
});

describe.skipIf(!hasWebData)('truncated real pages', () => {
  it('extracts every gold page cut at three points', () => {
    const pages = readdirSync(webDataDir + 'readability').filter((file) => file.endsWith('.html') && !file.endsWith('.gold.html'));
    expect(pages.length).toBeGreaterThan(10);
    for (const file of pages) {
      const html = loadPage(`readability/${file}`);
      for (const share of [0.1, 0.5, 0.9]) {
        expect(() => extractPage(html.slice(0, Math.floor(html.length * share))), `${file} cut at ${share}`).not.toThrow();
      }
    }
  });
});

describe.skipIf(!hasWebData)('legacy encodings', () => {
  it('extracts the windows-1250 page after decoding', () => {
    const { text } = extractPage(loadPage('trafilatura/rp.pl.unijne-fundusze.html'));
    expect(text).toContain('Sejm');
    expect(text).toMatch(/[ąęłńóśźż]/);
    expect(text).not.toContain('\ufffd');
  });

  it('extracts the ISO-8859-1 forum page after decoding', () => {
    const { text } = extractPage(loadPage('trafilatura/pocketpc.ch.auslieferung.html'));
    expect(text).toContain('Gerät, Telefon oder Handy');
  });
});
