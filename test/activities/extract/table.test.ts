import { describe, expect, it } from 'vitest';
import { extractPage } from '../../../activities/extract/extract-page';
import { hasWebData, loadPage, page } from './fixtures';

const prose = '<p>This paragraph is ordinary prose, long enough to count as content, with commas, clauses and a full stop.</p>';

describe('table extraction', () => {
  it('emits a data table with its header row', () => {
    const html = page(`<article>${prose}<table><thead><tr><th>City</th><th>Population</th></tr></thead>
      <tbody><tr><td>Oslo</td><td>709,000</td></tr><tr><td>Bergen</td><td>291,000</td></tr></tbody></table></article>`);
    const { text, metadata } = extractPage(html);
    expect(text).toContain('| City | Population |\n| --- | --- |\n| Oslo | 709,000 |\n| Bergen | 291,000 |');
    expect(metadata.tableCount).toBe(1);
  });

  it('expands rowspan and colspan so columns stay aligned', () => {
    const html = page(`<article>${prose}<table>
      <tr><th rowspan="2">Name</th><th colspan="2">Score</th></tr>
      <tr><th>Math</th><th>Art</th></tr>
      <tr><td rowspan="2">Ada</td><td>9</td><td>7</td></tr>
      <tr><td>8</td><td>6</td></tr></table></article>`);
    const { text } = extractPage(html);
    expect(text).toContain(
      ['| Name | Score | Score |', '| --- | --- | --- |', '| Name | Math | Art |', '| Ada | 9 | 7 |', '| Ada | 8 | 6 |'].join('\n'),
    );
  });

  it('keeps math and code inside cells', () => {
    const html = page(`<article>${prose}<table><tr><th>Formula</th><th>Code</th></tr>
      <tr><td><math alttext="x^2"><mi>x</mi></math></td><td><code>x ** 2</code></td></tr>
      <tr><td><math alttext="|x|"><mi>x</mi></math></td><td><code>abs(x)</code></td></tr></table></article>`);
    const { text } = extractPage(html);
    expect(text).toContain('| $x^2$ | `x ** 2` |');
    expect(text).toContain('| $\\|x\\|$ | `abs(x)` |');
  });

  it('does not turn a layout table into a Markdown table', () => {
    const html = page(`<table role="presentation"><tr><td><p>${'Story text, with commas, in a layout cell. '.repeat(5)}</p></td>
      <td><p>${'More story text, with commas, beside it. '.repeat(5)}</p></td></tr></table>`);
    const { text, metadata } = extractPage(html);
    expect(text).not.toContain('|');
    expect(text).toContain('Story text, with commas, in a layout cell.');
    expect(metadata.tableCount).toBe(0);
  });

  it('treats a table nesting another table as layout', () => {
    const inner = '<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>';
    const html = page(`<article>${prose}<table><tr><td>${inner}</td><td>side</td></tr><tr><td>x</td><td>y</td></tr></table></article>`);
    const { text, metadata } = extractPage(html);
    expect(text).toContain('| a | b |\n| --- | --- |\n| 1 | 2 |\n| 3 | 4 |');
    expect(metadata.tableCount).toBe(1);
  });
});

describe.skipIf(!hasWebData)('tables on real pages', () => {
  it('keeps the cells of the Bundesliga table', () => {
    const { text, metadata } = extractPage(loadPage('trafilatura/90min.de-Bundesliga-Tabelle.html'));
    expect(text).toContain('| Rang | DFL-Tabelle | Wahre Tabelle |\n| --- | --- | --- |\n| 1. | Leverkusen (28 Pkt) | Leverkusen (28 Pkt) |');
    expect(text).toContain('| 18. | Köln (5 Pkt) | Köln (5 Pkt) |');
    expect(metadata.tableCount).toBeGreaterThanOrEqual(1);
  });

  it('reads the layout tables of a story page as text', () => {
    const { text, metadata } = extractPage(loadPage('readability/hukumusume.html'));
    expect(metadata.tableCount).toBe(0);
    expect(text).toContain('肉をくわえたイヌが、橋を渡っていました。');
    expect(text).not.toContain('| ');
  });

  it('keeps the row labels of the Factorio status table', () => {
    const { text } = extractPage(loadPage('readability/keep-tabular-data.html'));
    expect(text).toContain('|  | General UX | UX draft | UX review | UI mockup | UI review | Implementation draft | Implementation review | Final review |');
    expect(text).toContain('| Train GUI kovarex |');
  });
});
