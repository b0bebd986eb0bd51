// A small corpus, labelled by construction, of real text written outside this project: module
// docstrings of the installed Python standard library (technical English) and the whatlang
// test sentences from the shared data (everyday sentences in 52 languages).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from '../../../schemas/document';
import { stubReply } from '../../support/openai-stub';
import type { StubModelRequest, StubReply } from '../../support/openai-stub';

const sentencesFile = path.resolve(import.meta.dirname, '../../../../shared/data/multilingual/whatlang-examples.json');

function document(id: string, text: string, inputUri: string, recordIndex: number): Document {
  return { id, text, source: 'test', metadata: { inputUri, recordIndex } };
}

export function docstringDocuments(count: number): Document[] {
  const stdlib = execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"]).toString().trim();
  const documents: Document[] = [];
  for (const name of fs.readdirSync(stdlib).filter((file) => file.endsWith('.py')).sort()) {
    const source = fs.readFileSync(path.join(stdlib, name), 'utf8');
    const docstring = /^(?:\s*#[^\n]*\n)*\s*(?:[rRuU]?)("""|''')([\s\S]*?)\1/.exec(source)?.[2]?.trim();
    if (!docstring || docstring.length < 200) continue;
    // Long docstrings add training time and nothing the test needs.
    documents.push(document(`py-${name}`, docstring.slice(0, 1500), name, 0));
    if (documents.length === count) break;
  }
  return documents;
}

/**
 * Returns each whatlang sentence as two documents, its first and second half, so a language
 * seen in training can also appear among held-out documents. Ids are `sentence-<code>-<half>`.
 */
export function sentenceDocuments(): Document[] {
  const sentences = JSON.parse(fs.readFileSync(sentencesFile, 'utf8')) as Record<string, string>;
  const documents: Document[] = [];
  for (const [index, [language, text]] of Object.entries(sentences).entries()) {
    const middle = text.indexOf(' ', Math.floor(text.length / 2));
    const cut = middle > 0 ? middle : Math.floor(text.length / 2);
    documents.push(document(`sentence-${language}-0`, text.slice(0, cut).trim(), sentencesFile, index));
    documents.push(document(`sentence-${language}-1`, text.slice(cut).trim(), sentencesFile, index));
  }
  return documents;
}

/**
 * Builds a stub annotator that labels by construction: docstrings are STEM with educational
 * value 4, sentence halves are culture, worth 3 in languages whose ISO code sorts before "m"
 * and 1 otherwise. The classifier can separate only languages it saw in training, as with real labels.
 */
export function stubAnnotator(documents: Document[]): (request: StubModelRequest) => StubReply {
  const byText = new Map(documents.map((item) => [item.text, item.id]));
  return (request) => {
    const id = byText.get(request.prompt.replace(/^Document:\n\n/, '')) ?? '';
    if (!id.startsWith('sentence-')) return stubReply.json({ educational_value: 4, topic: 'stem', reason: 'Documents a programming interface.' });
    const language = id.split('-')[1]!;
    return stubReply.json({ educational_value: language < 'm' ? 3 : 1, topic: 'culture', reason: 'An everyday sentence.' });
  };
}
