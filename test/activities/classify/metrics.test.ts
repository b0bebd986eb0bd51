import { describe, expect, it } from 'vitest';
import { classificationMetrics } from '../../../activities/classify/metrics';
import { BottomKSample, stratifiedSplit } from '../../../activities/classify/split';

describe('classificationMetrics', () => {
  it('computes precision, recall and F1 per class', () => {
    const predictions = [
      { expected: 'high', predicted: 'high' },
      { expected: 'high', predicted: 'low' },
      { expected: 'low', predicted: 'low' },
      { expected: 'low', predicted: 'high' },
      { expected: 'low', predicted: 'low' },
    ];

    const metrics = classificationMetrics(['high', 'low'], predictions);

    expect(metrics.accuracy).toBeCloseTo(3 / 5);
    expect(metrics.perClass[0]).toEqual({ label: 'high', precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, support: 2 });
    expect(metrics.perClass[1]!.precision).toBeCloseTo(2 / 3);
    expect(metrics.perClass[1]!.recall).toBeCloseTo(2 / 3);
    expect(metrics.macroF1).toBeCloseTo((1 / 2 + 2 / 3) / 2);
  });

  it('scores a never-predicted class as zero', () => {
    const metrics = classificationMetrics(['a', 'b'], [{ expected: 'b', predicted: 'a' }]);

    expect(metrics.perClass[1]).toEqual({ label: 'b', precision: 0, recall: 0, f1: 0, support: 1 });
  });
});

describe('stratifiedSplit', () => {
  it('holds out every label with two or more examples', () => {
    const examples = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, label: 'a' })),
      ...Array.from({ length: 3 }, (_, i) => ({ id: `b${i}`, label: 'b' })),
      { id: 'c0', label: 'c' },
    ];

    const { train, heldOut } = stratifiedSplit(examples, 0.2, 1);

    expect(heldOut.filter((example) => example.label === 'a')).toHaveLength(2);
    expect(heldOut.filter((example) => example.label === 'b')).toHaveLength(1);
    expect(train.map((example) => example.id)).toContain('c0');
    expect(train.length + heldOut.length).toBe(examples.length);
  });
});

describe('BottomKSample', () => {
  it('picks the same items whatever the order', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `doc-${i}`);
    const forward = new BottomKSample<string>(10, 3);
    const backward = new BottomKSample<string>(10, 3);
    for (const id of ids) forward.offer(id, id);
    for (const id of [...ids].reverse()) backward.offer(id, id);

    expect(forward.result().sort()).toEqual(backward.result().sort());
    expect(forward.result()).toHaveLength(10);
  });
});
