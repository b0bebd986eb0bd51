// The per-document web quality filter: language ID, corrupted-text checks, Gopher quality and
// repetition, C4 line rules, then FineWeb rules on the text C4 leaves. The order follows the
// FineWeb pipeline: language first, Gopher on the extracted text, C4 rewrites lines, FineWeb
// judges the rewritten text. Every rule runs, so a verdict lists all failures with their values.
import { ApplicationFailure } from '@temporalio/common';
import type { Document } from '../../schemas/document';
import { applyC4Rules } from './c4';
import { QualityFilterConfig, rulesForLanguage } from './config';
import type { ResolvedRules } from './config';
import { checkCorruption } from './corruption';
import { checkFineweb } from './fineweb';
import { checkGopherQuality } from './gopher-quality';
import { checkGopherRepetition } from './gopher-repetition';
import { identifyLanguage, loadLanguageModel } from './language-id';
import { splitWords } from './text';
import { RuleReport } from './verdict';
import type { FilterVerdict, RuleFailure } from './verdict';

export type QualityFilter = (document: Document) => FilterVerdict;

/**
 * Parses `config` (`{}` gives the published defaults), loads lid.176 once per thread and
 * returns a synchronous per-document filter, so it can run inside a worker thread. An invalid
 * config fails without retries (type InvalidQualityFilterConfig) and names every bad field.
 */
export async function createQualityFilter(config: unknown = {}): Promise<QualityFilter> {
  const result = QualityFilterConfig.safeParse(config);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`);
    throw ApplicationFailure.nonRetryable(`Invalid quality filter config: ${issues.join('; ')}`, 'InvalidQualityFilterConfig');
  }
  const parsed = result.data;
  const model = parsed.languageId.enabled ? await loadLanguageModel() : undefined;
  const rulesByLanguage = new Map<string, ResolvedRules>();

  return (document) => {
    const text = document.text;
    const guess = model ? identifyLanguage(model, text) : { language: 'und', score: 0 };
    let rules = rulesByLanguage.get(guess.language);
    if (!rules) {
      rules = rulesForLanguage(parsed, guess.language);
      rulesByLanguage.set(guess.language, rules);
    }
    return judgeDocument(text, guess, rules);
  };
}

/** Runs every enabled rule family on one text whose language is already known. */
export function judgeDocument(
  text: string,
  guess: { language: string; score: number },
  rules: ResolvedRules,
): FilterVerdict {
  const failures: RuleFailure[] = [];
  const qualityScores: Record<string, number> = {};
  const filtersPassed: string[] = [];
  const collect = (family: string, report: RuleReport): void => {
    failures.push(...report.failures);
    Object.assign(qualityScores, report.scores);
    if (report.failures.length === 0) filtersPassed.push(family);
  };

  if (text.trim() === '') {
    failures.push({ rule: 'empty_text', measured: 0, threshold: 1, detail: 'the text has no visible characters' });
  }
  if (rules.languageId.enabled) collect('language_id', checkLanguage(guess, rules));
  if (rules.corruption.enabled) collect('corruption', checkCorruption(text, rules.corruption));

  const words = rules.gopherQuality.enabled || rules.gopherRepetition.enabled || rules.fineweb.enabled ? splitWords(text) : [];
  if (rules.gopherQuality.enabled) collect('gopher_quality', checkGopherQuality(text, words, guess.language, rules.gopherQuality));
  if (rules.gopherRepetition.enabled) collect('gopher_repetition', checkGopherRepetition(text, words, rules.gopherRepetition));

  let rewritten: string | undefined;
  if (rules.c4.enabled) {
    const c4 = applyC4Rules(text, rules.c4);
    collect('c4', c4.report);
    qualityScores.c4_lines_removed = c4.linesRemoved;
    if (c4.text !== text) rewritten = c4.text;
  }
  if (rules.fineweb.enabled) {
    const judged = rewritten ?? text;
    const judgedWords = rewritten === undefined ? words : splitWords(rewritten);
    collect('fineweb', checkFineweb(judged, judgedWords, rules.fineweb));
  }

  const verdict: FilterVerdict = {
    keep: failures.length === 0,
    failures,
    metadata: { language: guess.language, languageScore: guess.score, qualityScores, filtersPassed },
  };
  if (rewritten !== undefined) verdict.text = rewritten;
  return verdict;
}

function checkLanguage(guess: { language: string; score: number }, rules: ResolvedRules): RuleReport {
  const report = new RuleReport();
  const allowed = rules.languageId.allowedLanguages;
  if (allowed.length > 0 && !allowed.includes(guess.language)) {
    // Membership is yes or no: measured 0 against a threshold of 1, with the label in the detail.
    report.fail('language_not_allowed', 0, 1, `language "${guess.language}" is not in [${allowed.join(', ')}]`);
  }
  report.scores.language_score = guess.score;
  if (guess.score < rules.languageId.minScore) {
    report.fail('language_score_low', guess.score, rules.languageId.minScore, `top label "${guess.language}"`);
  }
  return report;
}
