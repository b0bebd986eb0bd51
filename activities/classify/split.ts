// Deterministic sampling and train/held-out splits, keyed by a hash of seed and document id so
// that a retried activity picks exactly the same documents.
import { createHash } from 'node:crypto';

/** Maps seed and id to a fixed number in [0, 1). */
export function unitHash(seed: number, id: string): number {
  return createHash('sha256').update(`${seed}\u0000${id}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Splits examples per label, so every label with at least two examples appears on both sides.
 * Within a label, the examples with the smallest hashes are held out.
 */
export function stratifiedSplit<T extends { id: string; label: string }>(examples: T[], heldOutFraction: number, seed: number): { train: T[]; heldOut: T[] } {
  const byLabel = new Map<string, T[]>();
  for (const example of examples) {
    const group = byLabel.get(example.label) ?? [];
    group.push(example);
    byLabel.set(example.label, group);
  }

  const train: T[] = [];
  const heldOut: T[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const group = byLabel.get(label)!.sort((a, b) => unitHash(seed, a.id) - unitHash(seed, b.id));
    const heldOutCount = group.length < 2 ? 0 : Math.max(1, Math.round(group.length * heldOutFraction));
    heldOut.push(...group.slice(0, heldOutCount));
    train.push(...group.slice(heldOutCount));
  }
  return { train, heldOut };
}

/** Keeps the `size` items with the smallest hashes: a uniform sample, the same on every run. */
export class BottomKSample<T> {
  private items: Array<{ key: number; item: T }> = [];

  constructor(
    private readonly size: number,
    private readonly seed: number,
  ) {}

  offer(id: string, item: T): void {
    this.items.push({ key: unitHash(this.seed, id), item });
    if (this.items.length >= this.size * 2) this.trim();
  }

  result(): T[] {
    this.trim();
    return this.items.map((entry) => entry.item);
  }

  private trim(): void {
    this.items.sort((a, b) => a.key - b.key);
    this.items.length = Math.min(this.items.length, this.size);
  }
}
