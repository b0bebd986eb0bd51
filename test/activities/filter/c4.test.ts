import { describe, expect, it } from 'vitest';
import { applyC4Rules } from '../../../activities/filter/c4';
import { C4Config } from '../../../activities/filter/config';
import { sentence } from './fixtures';

const config = C4Config.parse({});
const fiveSentences = [0, 1, 2, 3, 4].map(sentence).join('\n');

function rules(text: string, overrides: Partial<C4Config> = {}): string[] {
  return applyC4Rules(text, { ...config, ...overrides }).report.failures.map((failure) => failure.rule);
}

describe('c4 rules', () => {
  it('drops lines without terminal punctuation', () => {
    const result = applyC4Rules(`${fiveSentences}\nRead more about this topic\nShe asked "why?"`, config);
    expect(result.text).toBe(`${fiveSentences}\nShe asked "why?"`);
    expect(result.linesRemoved).toBe(1);
  });

  it('keeps a line ending in a closing quote', () => {
    expect(applyC4Rules(`${fiveSentences}\nHe called it "the old bridge"`, config).text).toContain('the old bridge');
  });

  it('drops a line ending in an ellipsis', () => {
    expect(applyC4Rules(`${fiveSentences}\nAnd then the story went on...`, config).linesRemoved).toBe(1);
  });

  it('keeps lines of three words and drops two', () => {
    const result = applyC4Rules(`${fiveSentences}\nThree words here.\nTwo words.`, config);
    expect(result.text).toContain('Three words here.');
    expect(result.text).not.toContain('Two words.');
  });

  it('drops lines mentioning javascript or cookies', () => {
    const text = `${fiveSentences}\nPlease enable JavaScript to view the comments.\nThis site uses cookies to improve your experience.\nRead our Privacy Policy for details.`;
    const result = applyC4Rules(text, config);
    expect(result.text).toBe(fiveSentences);
    expect(result.linesRemoved).toBe(3);
  });

  it('drops documents with lorem ipsum', () => {
    expect(rules(`${fiveSentences}\nLorem ipsum dolor sit amet, consectetur adipiscing elit.`)).toContain('c4_lorem_ipsum');
    expect(rules(`${fiveSentences}\nLorem ipsum dolor sit amet.`, { dropDocumentsWithLoremIpsum: false })).not.toContain('c4_lorem_ipsum');
  });

  it('drops documents with a curly bracket in prose', () => {
    expect(rules(`${fiveSentences}\nThe template uses {name} as a placeholder.`)).toContain('c4_curly_bracket');
  });

  it('code lines go by the line rules, not the bracket rule', () => {
    const text = `${fiveSentences}\nfunction add(a, b) {\n  return a + b;\n}`;
    const result = applyC4Rules(text, config);
    expect(result.report.failures.map((failure) => failure.rule)).not.toContain('c4_curly_bracket');
    expect(result.text).toBe(fiveSentences);
  });

  it('needs five sentences and drops four', () => {
    expect(applyC4Rules(fiveSentences, config).report.scores.c4_too_few_sentences).toBe(5);
    expect(rules(fiveSentences)).not.toContain('c4_too_few_sentences');
    const four = applyC4Rules([0, 1, 2, 3].map(sentence).join('\n'), config).report;
    expect(four.failures).toEqual([{ rule: 'c4_too_few_sentences', measured: 4, threshold: 5 }]);
  });

  it('counts every sentence in a line', () => {
    expect(applyC4Rules('One short sentence here. Another one follows it! And a third one?', config).report.scores.c4_too_few_sentences).toBe(3);
  });

  it('removes citation markers before the punctuation check', () => {
    const result = applyC4Rules(`${fiveSentences}\nParis is the capital of France.[12]\nSee the history section.[edit]`, config);
    expect(result.text).toContain('Paris is the capital of France.');
    expect(result.text).toContain('See the history section.');
    expect(result.text).not.toContain('[12]');
  });

  it('keeps a 1000-character word and drops 1001', () => {
    const result = applyC4Rules(`${fiveSentences}\nA ${'a'.repeat(1000)} word.\nThe ${'b'.repeat(1001)} word.`, config);
    expect(result.text).toContain('a'.repeat(1000));
    expect(result.text).not.toContain('b'.repeat(1001));
  });

  it('keeps paragraph breaks between kept lines', () => {
    const text = `${sentence(0)}\n${sentence(1)}\n\n\nMenu\n\n${sentence(2)}`;
    expect(applyC4Rules(text, config).text).toBe(`${sentence(0)}\n${sentence(1)}\n\n${sentence(2)}`);
  });

  it('leaves clean text unchanged', () => {
    const text = `${sentence(0)} ${sentence(1)}\n\n${sentence(2)}`;
    expect(applyC4Rules(text, config).text).toBe(text);
  });

  it('a code-only document keeps no lines', () => {
    const code = 'import os\n\ndef main():\n    for name in os.listdir("."):\n        print(name)\n\nif __name__ == "__main__":\n    main()';
    const result = applyC4Rules(code, config);
    expect(result.text).toBe('');
    expect(result.report.failures).toEqual([{ rule: 'c4_too_few_sentences', measured: 0, threshold: 5 }]);
  });

  it('Japanese full stops end sentences', () => {
    const japanese = ['今日は朝から雨が降っています。', '駅まで歩いて十分かかります。', '午後には晴れる予報です。', '友達と公園で会う約束をしました。', '夜は家で本を読みます。'];
    const result = applyC4Rules(japanese.join('\n'), config);
    expect(result.report.failures).toEqual([]);
    expect(result.linesRemoved).toBe(0);
  });
});
