// Picks the documents the annotator rates: a uniform sample, the same on every run for a seed.
import { Document } from '../../schemas/document';
import { SampleForAnnotationInput, SampleForAnnotationOutput } from '../../schemas/quality-classifier';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { joinUri, storageFor } from '../storage';
import { heartbeat } from '../llm/log';
import { annotationRequest } from './rubric';
import { BottomKSample } from './split';

export async function sampleForAnnotation(rawInput: SampleForAnnotationInput): Promise<SampleForAnnotationOutput> {
  const input = SampleForAnnotationInput.parse(rawInput);
  const sampleUri = joinUri(input.workUri, 'sample.jsonl.gz');
  const requestsUri = joinUri(input.workUri, 'requests.jsonl');

  const sample = new BottomKSample<{ id: string; text: string }>(input.sampleSize, input.seed);
  let seen = 0;
  for (const uri of input.documentUris) {
    for await (const record of readJsonlRecords(uri)) {
      const document = Document.parse(record);
      seen += 1;
      if (document.text.trim() !== '') sample.offer(document.id, { id: document.id, text: document.text });
      if (seen % 1000 === 0) heartbeat({ uri, seen });
    }
  }
  const sampled = sample.result();

  const writer = await JsonlShardWriter.open(sampleUri);
  for (const item of sampled) await writer.write(item);
  await writer.close();
  const requests = sampled.map((item) => JSON.stringify(annotationRequest(item.id, item.text, input.maxChars)));
  await (await storageFor(requestsUri)).write(requestsUri, requests.join('\n') + '\n');

  return { sampleUri, requestsUri, sampled: sampled.length, seen };
}
