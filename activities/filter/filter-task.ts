// Worker-thread entry for the quality filter (a Piscina task module, like extract/page-task.ts).
// Each thread builds one filter per distinct config and loads lid.176 once. A task carries a
// batch of documents, so one message round trip covers many of them.
import type { Document } from '../../schemas/document';
import { createQualityFilter } from './quality-filter';
import type { QualityFilter } from './quality-filter';
import type { FilterVerdict } from './verdict';

export interface FilterTask {
  /** QualityFilterConfig input; `{}` or undefined gives the published defaults. */
  config?: unknown;
  documents: Document[];
}

const filters = new Map<string, Promise<QualityFilter>>();

export default async function filterDocuments(task: FilterTask): Promise<FilterVerdict[]> {
  const key = JSON.stringify(task.config ?? {});
  let filter = filters.get(key);
  if (!filter) {
    filter = createQualityFilter(task.config ?? {});
    filters.set(key, filter);
    filter.catch(() => filters.delete(key));
  }
  const judge = await filter;
  return task.documents.map((document) => judge(document));
}
