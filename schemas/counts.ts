// Counters of any depth (`{ en: { kept: 3, dropped: 1 } }`) that stages report and workflows sum.
export interface NestedCounts {
  [key: string]: number | NestedCounts;
}

/** Adds `source` into `target` in place, key by key, at every depth. */
export function addNestedCounts(target: NestedCounts, source: NestedCounts): NestedCounts {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (typeof value === 'number') {
      target[key] = (typeof current === 'number' ? current : 0) + value;
    } else {
      target[key] = addNestedCounts(typeof current === 'object' ? current : {}, value);
    }
  }
  return target;
}
