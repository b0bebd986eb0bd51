import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CorruptionConfig } from '../../../activities/filter/config';
import { characterEntropy, checkCorruption, compressionRatio } from '../../../activities/filter/corruption';
import type { RuleReport } from '../../../activities/filter/verdict';
import { ENGLISH_PROSE } from './fixtures';

const config = CorruptionConfig.parse({});

function rules(report: RuleReport): string[] {
  return report.failures.map((failure) => failure.rule);
}

describe('corruption rules', () => {
  it('compression ratio bounds are inclusive', () => {
    const text = ENGLISH_PROSE;
    const ratio = compressionRatio(Buffer.from(text));
    expect(rules(checkCorruption(text, { ...config, minCompressionRatio: ratio, maxCompressionRatio: ratio }))).toEqual([]);
    expect(rules(checkCorruption(text, { ...config, minCompressionRatio: ratio + 1e-9 }))).toEqual(['compression_ratio_low']);
    expect(rules(checkCorruption(text, { ...config, maxCompressionRatio: ratio - 1e-9 }))).toEqual(['compression_ratio_high']);
  });

  it('prose passes the default bounds', () => {
    expect(rules(checkCorruption(ENGLISH_PROSE, config))).toEqual([]);
  });

  it('base64 data is incompressible text', () => {
    const report = checkCorruption(randomBytes(3000).toString('base64'), config);
    expect(rules(report)).toContain('compression_ratio_low');
  });

  it('a repeated phrase compresses too well', () => {
    expect(rules(checkCorruption('buy cheap watches now '.repeat(200), config))).toContain('compression_ratio_high');
  });

  it('short texts skip the compression ratio', () => {
    const report = checkCorruption(randomBytes(300).toString('base64'), config);
    expect(report.scores.compression_ratio).toBeUndefined();
  });

  it('replacement characters keep 0.1% and drop 0.2%', () => {
    const text = (broken: number) => 'a'.repeat(1000 - broken).replace(/a{10}/g, 'abcdefghi ') + '\uFFFD'.repeat(broken);
    expect(checkCorruption(text(1), config).scores.replacement_char_frac).toBe(0.001);
    expect(rules(checkCorruption(text(1), config))).not.toContain('replacement_char_frac');
    expect(rules(checkCorruption(text(2), config))).toContain('replacement_char_frac');
  });

  it('a page decoded with the wrong charset has many replacement characters', () => {
    const latin1 = Buffer.from('Größere Änderungen für die Straßenbahn in München. '.repeat(20), 'latin1');
    expect(rules(checkCorruption(latin1.toString('utf8'), config))).toContain('replacement_char_frac');
  });

  it('control characters keep 0.1% and drop 0.2%, tabs and newlines aside', () => {
    const base = 'abcdefghi\n'.repeat(99) + 'abcdefgh\t\r';
    const text = (controls: number) => base.slice(controls) + '\u0007'.repeat(controls);
    expect(text(2).length).toBe(1000);
    expect(checkCorruption(base, config).scores.control_char_frac).toBe(0);
    expect(rules(checkCorruption(text(1), config))).not.toContain('control_char_frac');
    expect(rules(checkCorruption(text(2), config))).toContain('control_char_frac');
  });

  it('UTF-8 read as Latin-1 shows C1 control characters', () => {
    const mojibake = Buffer.from('Größere Änderungen für die Straßenbahn in München. '.repeat(20), 'utf8').toString('latin1');
    expect(rules(checkCorruption(mojibake, config))).toContain('control_char_frac');
  });

  it('character entropy is exact for known distributions', () => {
    expect(characterEntropy('ab'.repeat(100))).toBe(1);
    expect(characterEntropy('abcd'.repeat(100))).toBe(2);
    expect(characterEntropy('😀😁'.repeat(100))).toBe(1);
  });

  it('entropy bounds are inclusive', () => {
    const text = 'abcdefgh'.repeat(30); // 3 bits
    const checked = (minCharEntropy: number, maxCharEntropy: number) =>
      rules(checkCorruption(text, { ...config, minBytesForCompression: 10_000, minCharEntropy, maxCharEntropy }));
    expect(checked(3, 3)).toEqual([]);
    expect(checked(3.0001, 10)).toEqual(['char_entropy_low']);
    expect(checked(0, 2.9999)).toEqual(['char_entropy_high']);
  });

  it('random Latin-1 bytes exceed the entropy bound', () => {
    const report = checkCorruption(randomBytes(5000).toString('latin1'), config);
    expect(rules(report)).toEqual(expect.arrayContaining(['char_entropy_high', 'control_char_frac', 'compression_ratio_low']));
  });

  it('Chinese prose passes with its language override', () => {
    const chinese = '北京是中华人民共和国的首都，也是全国的政治、文化和国际交往中心。这座城市有三千多年的建城史。';
    const report = checkCorruption(chinese.repeat(3), { ...config, maxCharEntropy: 11 });
    expect(rules(report)).toEqual([]);
  });
});
