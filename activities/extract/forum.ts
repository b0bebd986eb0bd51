// Forum threads and Q&A pages: one <cf-post> marker per post, carrying author, date and
// whether it is the accepted answer, so the renderer writes one block per post.
import type { Element } from './dom';

export const POST_MARKER = 'cf-post';

/** Header line of a post block, for example `[post] alice · 2020-01-02 · accepted answer`. */
export function renderPostHeader(post: Element): string {
  const parts = ['[post]'];
  if (post.attribs.author) parts.push(post.attribs.author);
  if (post.attribs.date) parts.push(post.attribs.date);
  if (post.attribs.accepted === 'true') parts.push('accepted answer');
  return parts.join(' · ').replace('[post] · ', '[post] ');
}

/** Wraps each detected post in a <cf-post> marker. Returns the number of posts marked. */
export function markForumPosts(_root: Element): number {
  // TODO(forum): detection of repeated post containers is not written yet.
  return 0;
}
