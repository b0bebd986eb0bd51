// Accuracy of lid.176 on labelled data: 52 short sentences with ISO 639-3 labels, and the
// sample web pages whose language the manifest records, run through the real extractor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fastTextLabelForIso639_3, identifyLanguage, loadLanguageModel } from '../../../activities/filter/language-id';
import { DATA_DIR, loadSamplePages } from './page-text';

type Model = Awaited<ReturnType<typeof loadLanguageModel>>;
let model: Model;

beforeAll(async () => {
  model = await loadLanguageModel();
});

describe('language ID accuracy', () => {
  it('maps ISO 639-3 codes to lid.176 labels', () => {
    expect(fastTextLabelForIso639_3('eng')).toBe('en');
    expect(fastTextLabelForIso639_3('cmn')).toBe('zh');
    expect(fastTextLabelForIso639_3('nob')).toBe('no');
    expect(fastTextLabelForIso639_3('pes')).toBe('fa');
    expect(fastTextLabelForIso639_3('zul')).toBeUndefined();
  });

  it('labels every supported sentence correctly', () => {
    const sentences = JSON.parse(readFileSync(join(DATA_DIR, 'multilingual/whatlang-examples.json'), 'utf8')) as Record<string, string>;
    const misses: string[] = [];
    const unsupported: string[] = [];
    let supported = 0;
    for (const [code, text] of Object.entries(sentences)) {
      const label = fastTextLabelForIso639_3(code);
      const guess = identifyLanguage(model, text);
      if (label === undefined) {
        unsupported.push(code);
        // No forced label: the model's best guess for a language it does not know is unsure.
        expect(guess.score, `${code} labelled ${guess.language}`).toBeLessThan(0.65);
        continue;
      }
      supported += 1;
      if (guess.language !== label) misses.push(`${code}: expected ${label}, got ${guess.language} (${guess.score.toFixed(2)})`);
    }

    // Measured with fasttext.wasm.js 1.0.0 (lid.176.ftz): 49 of 49 supported sentences.
    expect(Object.keys(sentences)).toHaveLength(52);
    expect(unsupported.sort()).toEqual(['aka', 'sna', 'zul']);
    expect(misses).toEqual([]);
    expect((supported - misses.length) / supported).toBe(1);
  });

  it('labels the sample pages as the manifest records', () => {
    const pages = loadSamplePages();
    const misses = pages
      .map((page) => ({ page, guess: identifyLanguage(model, page.text) }))
      .filter(({ page, guess }) => guess.language !== page.lang)
      .map(({ page, guess }) => `${page.file}: manifest ${page.lang}, got ${guess.language} (${guess.score.toFixed(2)})`);

    // 57 of 59. Both misses are a manifest mistake, not a model one: the gold article body of
    // f81c6c05 is an English Business Insider text, and that of 57b4dafd a German blog post.
    expect(pages).toHaveLength(59);
    expect(misses.map((miss) => miss.split(':')[0])).toEqual([
      'web/aeb/f81c6c05d9cbc93316992fa23ef74ec405194e292611f2e94f6a814868903665.html',
      'web/aeb/57b4dafd18cfd0531b69f81e87158648227c673ef159f8d8c87d34e34bdb21f2.html',
    ]);
    expect((pages.length - misses.length) / pages.length).toBeGreaterThanOrEqual(57 / 59);
  });

  it('the two page misses are right on their gold text', () => {
    const gold = (hash: string) => readFileSync(join(DATA_DIR, `web/aeb/${hash}.gold.txt`), 'utf8');
    expect(identifyLanguage(model, gold('f81c6c05d9cbc93316992fa23ef74ec405194e292611f2e94f6a814868903665')).language).toBe('en');
    expect(identifyLanguage(model, gold('57b4dafd18cfd0531b69f81e87158648227c673ef159f8d8c87d34e34bdb21f2')).language).toBe('de');
  });

  it('newlines do not change the label', () => {
    const text = 'Der Zug nach Hamburg fährt heute später ab.\nBitte achten Sie auf die Durchsagen am Bahnsteig.';
    expect(identifyLanguage(model, text)).toEqual(identifyLanguage(model, text.replace('\n', ' ')));
    expect(identifyLanguage(model, text).language).toBe('de');
  });

  it('short and mixed-script texts get low scores', () => {
    expect(identifyLanguage(model, 'ok').score).toBeLessThan(0.65);
    const mixed = identifyLanguage(model, 'Hello друзья, 今日は good morning مرحبا');
    expect(mixed.score).toBeLessThan(0.65);
  });
});
