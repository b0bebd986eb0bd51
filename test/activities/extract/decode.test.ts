import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binaryReason, decodeHtml } from '../../../activities/extract/decode';
import { PNG_BYTES, sharedData } from '../../support/fixtures';

const page = (name: string) => readFileSync(path.join(sharedData, 'web', name));

describe('decodeHtml', () => {
  it('decodes Windows-1250 bytes that declare utf-8', () => {
    const decoded = decodeHtml(page('trafilatura/rp.pl.unijne-fundusze.html'));
    expect(decoded.encoding).toBe('windows-1250');
    expect(decoded.legacyEncoding).toBe(true);
    expect(decoded.html).toContain('zagłosował');
  });

  it('decodes an ISO-8859-1 page', () => {
    const decoded = decodeHtml(page('trafilatura/pocketpc.ch.auslieferung.html'));
    expect(decoded.legacyEncoding).toBe(true);
    expect(decoded.html).toMatch(/[äöüß]/);
    expect(decoded.html).not.toContain('\ufffd');
  });

  it('keeps UTF-8 when a page declares gb2312 but holds UTF-8', () => {
    const decoded = decodeHtml(page('readability/qq.html'));
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.legacyEncoding).toBe(false);
  });

  it('honours the HTTP charset for non-UTF-8 bytes', () => {
    const bytes = Buffer.from('<p>\xe9t\xe9</p>', 'latin1');
    expect(decodeHtml(bytes, 'text/html; charset=ISO-8859-1').html).toBe('<p>été</p>');
  });
});

describe('binaryReason', () => {
  it('flags a PNG named .html', () => {
    expect(binaryReason(PNG_BYTES)).toBe('contains NUL bytes');
  });

  it('accepts ordinary HTML', () => {
    expect(binaryReason(Buffer.from('<html><body>\tHello\r\n</body></html>'))).toBeUndefined();
  });
});
