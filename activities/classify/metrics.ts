// Held-out evaluation of a classifier: per-class precision, recall and F1, accuracy and macro F1.
import type { ClassMetrics } from '../../schemas/quality-classifier';

export interface Prediction {
  expected: string;
  predicted: string;
}

export function classificationMetrics(labels: string[], predictions: Prediction[]): { accuracy: number; perClass: ClassMetrics[]; macroF1: number } {
  const correct = predictions.filter((prediction) => prediction.expected === prediction.predicted).length;
  const perClass = labels.map((label) => {
    const truePositives = predictions.filter((prediction) => prediction.predicted === label && prediction.expected === label).length;
    const predictedCount = predictions.filter((prediction) => prediction.predicted === label).length;
    const support = predictions.filter((prediction) => prediction.expected === label).length;
    const precision = predictedCount === 0 ? 0 : truePositives / predictedCount;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
  const withSupport = perClass.filter((metrics) => metrics.support > 0);
  const macroF1 = withSupport.length === 0 ? 0 : withSupport.reduce((sum, metrics) => sum + metrics.f1, 0) / withSupport.length;
  return { accuracy: predictions.length === 0 ? 0 : correct / predictions.length, perClass, macroF1 };
}
