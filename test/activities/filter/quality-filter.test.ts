import { describe, expect, it } from 'vitest';
import { Piscina } from 'piscina';
import { QualityFilterConfig, rulesForLanguage } from '../../../activities/filter/config';
import { identifyLanguage, loadLanguageModel } from '../../../activities/filter/language-id';
import { createQualityFilter, judgeDocument } from '../../../activities/filter/quality-filter';
import { FilterVerdict } from '../../../activities/filter/verdict';
import { ENGLISH_PROSE, documentOf } from './fixtures';

const CHINESE_PROSE = `北京是中华人民共和国的首都，也是全国的政治中心、文化中心和国际交往中心。这座城市有三千多年的建城史和八百多年的建都史，保存着大量的历史遗迹。
故宫位于北京城的中心，是明清两代的皇家宫殿，现在是一座对公众开放的博物馆。每年都有上千万游客来这里参观古老的建筑和珍贵的文物。
长城在北京北部的山区蜿蜒而过，八达岭和慕田峪是最受欢迎的两段。春天和秋天的天气比较舒适，是登长城的最好季节。
除了名胜古迹，北京还有许多胡同和四合院。老北京人喜欢在胡同里散步、聊天，也喜欢在早上去公园里打太极拳、唱京剧。
近年来，北京修建了很多地铁线路，交通比以前方便多了。城市的东部和北部出现了许多新的商业区，吸引了大量年轻人来这里工作和生活。`;

const RUSSIAN_PROSE = `Санкт-Петербург был основан в 1703 году на берегах Невы и долгое время оставался столицей Российской империи. Город строили по единому плану, поэтому его центр до сих пор выглядит удивительно цельным.
Главная улица города, Невский проспект, тянется от Адмиралтейства до Александро-Невской лавры. Вдоль неё стоят дворцы, соборы, театры и старые торговые дома.
Летом в Петербурге наступают белые ночи, когда солнце почти не заходит. В это время жители и туристы гуляют по набережным до утра и смотрят, как разводят мосты.
Эрмитаж, один из крупнейших музеев мира, занимает несколько зданий на Дворцовой площади. Его коллекция насчитывает более трёх миллионов произведений искусства.`;

describe('quality filter', () => {
  it('config {} parses to the published defaults', () => {
    const config = QualityFilterConfig.parse({});
    expect(config.languageId.minScore).toBe(0.65);
    expect(config.gopherQuality.minWords).toBe(50);
    expect(config.gopherRepetition.dupNgrams.at(-1)).toEqual({ n: 10, maxFraction: 0.1 });
    expect(config.c4.minSentences).toBe(5);
    expect(config.fineweb.maxShortLineRatio).toBe(0.67);
  });

  it('language overrides replace only the fields they name', () => {
    const config = QualityFilterConfig.parse({ gopherQuality: { minWords: 20 }, languageOverrides: { de: { gopherQuality: { maxWords: 500 } } } });
    const german = rulesForLanguage(config, 'de');
    expect(german.gopherQuality.minWords).toBe(20);
    expect(german.gopherQuality.maxWords).toBe(500);
    expect(rulesForLanguage(config, 'fr').gopherQuality.maxWords).toBe(100_000);
  });

  it('rejects an invalid config without retries', async () => {
    await expect(createQualityFilter({ languageId: { minScore: 2 }, gopherRepetition: { topNgrams: [{ n: 7, maxFraction: 0.1 }] } })).rejects.toMatchObject({
      type: 'InvalidQualityFilterConfig',
      nonRetryable: true,
      message: 'Invalid quality filter config: languageId.minScore: Too big: expected number to be <=1; gopherRepetition.topNgrams.0.n: Too big: expected number to be <=4',
    });
  });

  it('keeps clean English prose and says which filters passed', async () => {
    const filter = await createQualityFilter();
    const verdict = filter(documentOf(ENGLISH_PROSE));
    expect(verdict.failures).toEqual([]);
    expect(verdict.keep).toBe(true);
    expect(verdict.text).toBeUndefined();
    expect(verdict.metadata.language).toBe('en');
    expect(verdict.metadata.languageScore).toBeGreaterThan(0.9);
    expect(verdict.metadata.filtersPassed).toEqual(['language_id', 'corruption', 'gopher_quality', 'gopher_repetition', 'c4', 'fineweb']);
    expect(FilterVerdict.parse(verdict)).toEqual(verdict);
  });

  it('returns the rewritten text when C4 drops lines', async () => {
    const filter = await createQualityFilter();
    const verdict = filter(documentOf(`Home | News | Contact\n\n${ENGLISH_PROSE}\n\nThis site uses cookies to improve your experience.`));
    expect(verdict.keep).toBe(true);
    expect(verdict.text).toBe(ENGLISH_PROSE);
    expect(verdict.metadata.qualityScores.c4_lines_removed).toBe(2);
  });

  it('lists every failed rule with its measured value', async () => {
    const filter = await createQualityFilter({ languageId: { allowedLanguages: ['de'] } });
    const verdict = filter(documentOf('Buy now!\nBuy now!\nBuy now!\nBuy now!'));
    expect(verdict.keep).toBe(false);
    const rules = verdict.failures.map((failure) => failure.rule);
    expect(rules).toEqual(
      expect.arrayContaining(['language_not_allowed', 'gopher_word_count', 'gopher_stop_words', 'dup_line_frac', 'c4_too_few_sentences']),
    );
    expect(verdict.failures.find((failure) => failure.rule === 'dup_line_frac')).toEqual({ rule: 'dup_line_frac', measured: 0.75, threshold: 0.3 });
    expect(verdict.failures.find((failure) => failure.rule === 'gopher_word_count')).toMatchObject({ measured: 8, threshold: 50 });
  });

  it('rejects an empty document', async () => {
    const verdict = (await createQualityFilter())(documentOf('  \n\n  '));
    expect(verdict.failures.map((failure) => failure.rule)).toEqual(
      expect.arrayContaining(['empty_text', 'language_score_low', 'gopher_word_count']),
    );
    expect(verdict.metadata.language).toBe('und');
  });

  it('allow-list drops other languages, score bound drops unsure labels', async () => {
    const filter = await createQualityFilter({ languageId: { allowedLanguages: ['en'], minScore: 0.999 } });
    const verdict = filter(documentOf(RUSSIAN_PROSE));
    expect(verdict.metadata.language).toBe('ru');
    expect(verdict.failures.filter((failure) => failure.rule.startsWith('language'))).toEqual([
      { rule: 'language_not_allowed', measured: 0, threshold: 1, detail: 'language "ru" is not in [en]' },
      expect.objectContaining({ rule: 'language_score_low', threshold: 0.999 }),
    ]);
  });

  it('language score keeps the bound and drops just below', async () => {
    const score = identifyLanguage(await loadLanguageModel(), RUSSIAN_PROSE).score;
    const atBound = await createQualityFilter({ languageId: { minScore: score } });
    expect(atBound(documentOf(RUSSIAN_PROSE)).failures).toEqual([]);
    const above = await createQualityFilter({ languageId: { minScore: score + 1e-7 } });
    expect(above(documentOf(RUSSIAN_PROSE)).failures).toEqual([
      { rule: 'language_score_low', measured: score, threshold: score + 1e-7, detail: 'top label "ru"' },
    ]);
  });

  it('per-language score override applies to that language only', async () => {
    const filter = await createQualityFilter({ languageOverrides: { ru: { minLanguageScore: 1 } } });
    expect(filter(documentOf(RUSSIAN_PROSE)).failures.map((failure) => failure.rule)).toContain('language_score_low');
    expect(filter(documentOf(ENGLISH_PROSE)).failures).toEqual([]);
  });

  it('keeps Russian prose without an English stop-word list', async () => {
    const verdict = (await createQualityFilter())(documentOf(RUSSIAN_PROSE));
    expect(verdict.failures).toEqual([]);
    expect(verdict.metadata.qualityScores.gopher_stop_words).toBeUndefined();
  });

  it('keeps Chinese prose through its default override', async () => {
    const verdict = (await createQualityFilter())(documentOf(CHINESE_PROSE));
    expect(verdict.metadata.language).toBe('zh');
    expect(verdict.failures).toEqual([]);
    expect(verdict.metadata.qualityScores.gopher_mean_word_length).toBeLessThan(3);
  });

  it('drops a document made only of code', async () => {
    const code = Array.from(
      { length: 12 },
      (_, i) => `function handler${i}(request, response) {\n  const body = JSON.parse(request.body);\n  response.status(200).send({ ok: true, id: body.id${i} });\n}`,
    ).join('\n\n');
    const verdict = (await createQualityFilter())(documentOf(code));
    expect(verdict.keep).toBe(false);
    expect(verdict.failures.map((failure) => failure.rule)).toEqual(
      expect.arrayContaining(['gopher_stop_words', 'gopher_alpha_words', 'dup_line_frac', 'c4_too_few_sentences']),
    );
    // C4 removes every line, so FineWeb has nothing left to judge.
    expect(verdict.text).toBe('');
    expect(verdict.metadata.qualityScores.fineweb_line_punct_ratio).toBeUndefined();
  });

  it('look-alike letters lower the language score', async () => {
    const model = await loadLanguageModel();
    // Every Latin a, e, o and p swapped for the Cyrillic letter that looks the same.
    const spoofed = ENGLISH_PROSE.replace(/a/g, 'а').replace(/e/g, 'е').replace(/o/g, 'о').replace(/p/g, 'р');
    const honest = identifyLanguage(model, ENGLISH_PROSE);
    const guess = identifyLanguage(model, spoofed);
    expect(honest).toMatchObject({ language: 'en' });
    expect(guess.language === 'en' ? guess.score : 0).toBeLessThan(honest.score);
    const verdict = judgeDocument(spoofed, guess, rulesForLanguage(QualityFilterConfig.parse({}), guess.language));
    expect(verdict.keep).toBe(false);
  });

  it('fullwidth letters are still words', async () => {
    const verdict = (await createQualityFilter())(documentOf(ENGLISH_PROSE.replace(/harbour/g, 'ｈａｒｂｏｕｒ')));
    expect(verdict.failures).toEqual([]);
  });

  it('runs in a worker thread', async () => {
    const pool = new Piscina({
      filename: new URL('../../../activities/filter/filter-task.ts', import.meta.url).href,
      maxThreads: 1,
      execArgv: ['--import', import.meta.resolve('tsx')],
    });
    try {
      const verdicts = (await pool.run({ documents: [documentOf(ENGLISH_PROSE), documentOf(RUSSIAN_PROSE, 'doc-2')] })) as FilterVerdict[];
      expect(verdicts.map((verdict) => verdict.metadata.language)).toEqual(['en', 'ru']);
      expect(verdicts.every((verdict) => verdict.keep)).toBe(true);
    } finally {
      await pool.destroy();
    }
  });
});
