import { describe, expect, it } from 'vitest';
import { extractPage } from '../../../activities/extract/extract-page';
import { hasWebData, loadPage, page } from './fixtures';

function post(author: string, date: string, body: string, extra = ''): string {
  return `<article class="message" data-author="${author}">
    <div class="message-user"><a class="username">${author}</a><dl><dt>Posts</dt><dd>1,234</dd></dl></div>
    <time datetime="${date}">yesterday</time>
    <div class="message-body">${body}</div>
    <div class="signature">Sent from my phone, greetings to everyone reading this signature</div>${extra}
  </article>`;
}

const thread = page(`<nav><a href="/">Home</a> <a href="/forum">Forum</a></nav>
  <div class="thread">
    ${post('alice', '2020-01-02', '<p>My cat sheds black crumbs every night on the blanket, what could it be?</p>')}
    ${post('bob', '2020-01-03', '<blockquote class="quote">My cat sheds black crumbs every night</blockquote><p>It could be flea dirt, try wetting it on white paper.</p>')}
    ${post('carol', '2020-01-04', '<p>Also check the ears for mites, they leave dark debris too.</p>')}
  </div>
  <footer>Forum rules · Imprint · Privacy</footer>`);

describe('forum extraction', () => {
  it('emits one block per post with author and date', () => {
    const { text, metadata } = extractPage(thread);
    expect(metadata.postCount).toBe(3);
    expect(text).toContain('[post] alice · 2020-01-02\n\nMy cat sheds black crumbs every night on the blanket, what could it be?');
    expect(text.indexOf('[post] alice')).toBeLessThan(text.indexOf('[post] bob'));
    expect(text.indexOf('[post] bob')).toBeLessThan(text.indexOf('[post] carol'));
  });

  it('marks quotes and drops signatures and user panels', () => {
    const { text } = extractPage(thread);
    expect(text).toContain('> My cat sheds black crumbs every night\n\nIt could be flea dirt');
    expect(text).not.toContain('Sent from my phone');
    expect(text).not.toContain('1,234');
    expect(text).not.toContain('Forum rules');
  });

  it('marks posts without a body wrapper', () => {
    const reply = (author: string, text: string): string => `<div class="reply" data-author="${author}"><p>${text}</p></div>`;
    const html = page(`<div class="replies">${reply('dana', 'First reply with enough words to be a real post.')}
      ${reply('eve', 'Second reply, also long enough to count as a post.')}</div>`);
    const { text, metadata } = extractPage(html);
    expect(metadata.postCount).toBe(2);
    expect(text).toBe('[post] dana\n\nFirst reply with enough words to be a real post.\n\n[post] eve\n\nSecond reply, also long enough to count as a post.');
  });

  it('groups posts wrapped one per div', () => {
    const wrapped = (id: string, author: string, text: string): string => `<div><table id="post${id}"><tr>
      <td class="alt2"><a class="bigusername">${author}</a></td><td id="td_post_${id}"><div id="post_message_${id}">${text}</div></td></tr></table></div>`;
    const html = page(`<div id="posts">${wrapped('11', 'frank', 'The update arrived this morning on my phone without any trouble.')}
      ${wrapped('12', 'gina', 'Still waiting here, my carrier seems to hold it back for now.')}</div>`);
    const { text, metadata } = extractPage(html);
    expect(metadata.postCount).toBe(2);
    expect(text).toContain('The update arrived this morning on my phone without any trouble.');
    expect(text.indexOf('frank')).toBeLessThan(text.indexOf('gina'));
  });

  it('marks the accepted answer on a Q&A page', () => {
    const answer = (id: string, body: string, accepted: boolean): string =>
      `<div class="answer${accepted ? ' accepted-answer' : ''}" id="answer-${id}"><div class="post-layout">
        <div class="s-prose js-post-body"><p>${body}</p></div><div class="user-details"><a>user${id}</a></div></div></div>`;
    const html = page(`<div id="question" class="question"><div class="s-prose js-post-body"><p>How do I reverse a list in Python without copying it first?</p></div></div>
      <div id="answers">${answer('1', 'Use list.reverse(), it reverses the list in place and returns None.', true)}
      ${answer('2', 'Slicing with [::-1] works too, but it creates a reversed copy of the list.', false)}</div>`);
    const { text, metadata } = extractPage(html);
    expect(metadata.postCount).toBe(3);
    expect(text).toMatch(/\[post\][^\n]*accepted answer\n\nUse list\.reverse\(\)/);
    expect(text.indexOf('How do I reverse')).toBeLessThan(text.indexOf('Use list.reverse()'));
  });
});

describe.skipIf(!hasWebData)('forums on real pages', () => {
  it('splits the cat forum thread into its posts', () => {
    const { text, metadata } = extractPage(loadPage('trafilatura/katzen-forum.net-Pepe.html'));
    expect(metadata.postCount).toBe(18);
    expect(text.startsWith('[post] Pepemaus · 2018-09-27T14:51:09+0200\n\nHallo,\nPepe schläft nachts')).toBe(true);
    expect(text).not.toContain('Mitglied seit');
  });

  it('keeps vBulletin quotes as quotes', () => {
    const { text, metadata } = extractPage(loadPage('trafilatura/pocketpc.ch.auslieferung.html'));
    expect(metadata.postCount).toBe(17);
    expect(text).toContain('[post] Predator\n\n> Zitat von TheFreeman\n>\n> Gibt es denn irgendow eine Seite / Threat');
    expect(text).toContain('\n\nDas war noch nicht das Update, sondern nur die Vorbereitung.');
  });
});
