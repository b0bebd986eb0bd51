// A small labelled-by-construction corpus from real text nobody on the team wrote: module
// docstrings of the installed Python standard library (technical English) and the whatlang
// test sentences from the shared data (everyday sentences in 52 languages).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from '../../../schemas/document';

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

export function sentenceDocuments(): Document[] {
  const sentences = JSON.parse(fs.readFileSync(sentencesFile, 'utf8')) as Record<string, string>;
  return Object.entries(sentences).map(([language, text], index) => document(`sentence-${language}`, text, sentencesFile, index));
}
