// Shared fixtures of the decontamination tests: the benchmark files beside the repository and
// a reformatter that disguises copied benchmark text the way scraped pages do.
import path from 'node:path';

export const benchRoot = path.resolve(import.meta.dirname, '../../../../shared/data/bench');

const LOOK_ALIKES: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', i: 'і' };

/**
 * Reformats text: upper case, Cyrillic look-alike letters, fullwidth digits, zero-width spaces
 * inside words, changed punctuation, and spaces turned into line breaks, tabs and no-break spaces.
 */
export function disguise(text: string): string {
  let spaces = 0;
  const spaced = text.replace(/\s+/g, () => ['\n', ' \t ', '\u00a0', '   ', '\r\n  '][spaces++ % 5]!);
  const punctuated = spaced.replace(/\./g, ' ;').replace(/,/g, ' ,,').replace(/\?/g, '?!').replace(/:/g, ' —');
  const lookAlike = punctuated.replace(/[aeopcxi]/g, (letter) => LOOK_ALIKES[letter]!);
  const shouted = lookAlike.slice(0, lookAlike.length / 2).toUpperCase() + lookAlike.slice(lookAlike.length / 2);
  const digits = shouted.replace(/[0-9]/g, (digit) => String.fromCharCode(0xff10 + Number(digit)));
  return digits.replace(/(\w{3})(\w{3})/g, '$1\u200b$2');
}

export const WEB_INTRO =
  'Posted by admin on March 3. Welcome back to our homework help forum where parents and students share tricky problems from class. ' +
  'Somebody asked about this one yesterday and nobody could agree on the method, so here it is again:';

export const WEB_OUTRO = 'Leave your answer in the comments below. Subscribe to our newsletter for weekly puzzles. Copyright 2024 Homework Helpers. All rights reserved.';

/** Ordinary math teaching text that shares only stock phrases with GSM8K word problems. */
export const COMMON_MATH_TEXT = [
  'Word problems teach children to turn a story into arithmetic.',
  'A typical problem says that someone buys a few items, gives some away, and asks how many are left.',
  'How many apples does she have left? How much money does he have now? How much did it cost in total?',
  'Students should first find the total cost, then subtract what was spent, and finally check the answer.',
  'When a problem asks how much in dollars does she make every day, multiply the price per item by the number sold per day.',
  'If a car travels 60 miles per hour for 3 hours, the distance is 180 miles.',
  'What percentage of the class passed the test? Divide the number who passed by the total and multiply by 100.',
  'Practice with ten problems each day and the steps become second nature.',
].join(' ');
