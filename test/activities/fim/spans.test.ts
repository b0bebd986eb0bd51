import { describe, expect, it } from 'vitest';
import { findCandidateSpans } from '../../../activities/fim/find-spans';
import { gradeOf } from '../../../activities/fim/grade';
import { cutSpan, dedent, FIM_MARKER, fillGuess, orderSpans, stripCodeFence } from '../../../activities/fim/spans';
import { tokenSimilarity } from '../../../activities/fim/similarity';
import type { CandidateSpan } from '../../../activities/fim/schema';
import { SandboxConfig } from '../../../activities/sandbox/config';

const program = [
  'def total(values):',
  '    """Sum of the positive values."""',
  '    result = 0',
  '    for value in values:',
  '        if value > 0:',
  '            result += value',
  '    return result',
  '',
  'def pair(): a = 1; b = 2',
].join('\n');

const runner = { config: SandboxConfig.parse({}), isolation: 'bubblewrap' as const };

function span(startLine: number, endLine: number, coversBody = false): CandidateSpan {
  return { startLine, endLine, statements: 1, kind: 'statement', coversBody };
}

describe('findCandidateSpans', { timeout: 30_000 }, () => {
  it('lists statement and block spans inside functions', async () => {
    const found = await findCandidateSpans(runner.config, runner.isolation, [{ id: 'p', code: program }]);
    const spans = found.get('p');
    if (!spans || 'error' in spans) throw new Error('expected spans');
    const ranges = spans.spans.map((entry) => `${entry.startLine}-${entry.endLine}`);

    expect(ranges).toContain('3-3');
    expect(ranges).toContain('4-6');
    expect(ranges).toContain('6-6');
    expect(ranges).toContain('3-7');
    expect(ranges).not.toContain('2-2');
    expect(ranges.some((range) => range.startsWith('9-'))).toBe(false);
  });

  it('reports a syntax error per program', async () => {
    const found = await findCandidateSpans(runner.config, runner.isolation, [{ id: 'bad', code: 'def f(:\n' }, { id: 'good', code: program }]);

    expect(found.get('bad')).toEqual({ error: expect.stringMatching(/^SyntaxError/) });
    expect(found.get('good')).toHaveProperty('spans');
  });
});

describe('cutSpan and fillGuess', () => {
  it('replaces a span with an indented marker', () => {
    const cut = cutSpan(program, span(5, 6));

    expect(cut.removed).toBe('        if value > 0:\n            result += value');
    expect(cut.indent).toBe('        ');
    expect(cut.excerpt.split('\n')[4]).toBe(`        ${FIM_MARKER}`);
  });

  it('restores the program from the removed span', () => {
    const cut = cutSpan(program, span(5, 6));

    expect(fillGuess(cut.excerpt, cut.indent, cut.removed)).toBe(program);
  });

  it('re-indents a fenced guess without indentation', () => {
    const cut = cutSpan(program, span(5, 6));
    const guess = '```python\nif value > 0:\n    result += value\n```';

    expect(fillGuess(cut.excerpt, cut.indent, guess)).toBe(program);
  });
});

describe('span helpers', () => {
  it('strips a code fence', () => {
    expect(stripCodeFence('```py\nx = 1\n```')).toBe('x = 1');
  });

  it('dedents by the common indentation', () => {
    expect(dedent('    a\n      b')).toBe('a\n  b');
  });

  it('orders spans deterministically, whole blocks last', () => {
    const spans = [span(3, 3, true), span(4, 6), span(7, 7)];
    const first = orderSpans(program, spans, { maxLines: 8, seed: 1, recordId: 'p' });
    const second = orderSpans(program, spans, { maxLines: 8, seed: 1, recordId: 'p' });

    expect(first).toEqual(second);
    expect(first.at(-1)).toEqual(span(3, 3, true));
  });

  it('drops long and trivial spans', () => {
    const code = 'def f():\n    pass\n    x = 1\n';

    expect(orderSpans(code, [span(2, 2), span(2, 3)], { maxLines: 1, seed: 0, recordId: 'f' })).toEqual([]);
  });
});

describe('tokenSimilarity', () => {
  it('ignores whitespace', () => {
    expect(tokenSimilarity('return  a+b', 'return a + b')).toBe(1);
  });

  it('scores a partial match between 0 and 1', () => {
    expect(tokenSimilarity('return a + b', 'return a - b')).toBeCloseTo(0.75);
  });

  it('scores unrelated code 0', () => {
    expect(tokenSimilarity('x', 'y')).toBe(0);
  });
});

describe('gradeOf', () => {
  const base = { exitCode: 0, signal: null, wallMs: 1, stdout: '', stderrTail: '', outputBytes: 0, isolation: 'bubblewrap' as const };

  it('grades passing tests as pass', () => {
    expect(gradeOf({ ...base, outcome: 'passed', casesPassed: 3, casesTotal: 3 })).toBe('pass');
  });

  it('grades some passing cases as partial', () => {
    expect(gradeOf({ ...base, outcome: 'failed', casesPassed: 1, casesTotal: 3 })).toBe('partial');
  });

  it('grades no passing case as fail', () => {
    expect(gradeOf({ ...base, outcome: 'failed', casesPassed: 0, casesTotal: 3 })).toBe('fail');
  });

  it('grades an error as fail', () => {
    expect(gradeOf({ ...base, outcome: 'error' })).toBe('fail');
  });
});
