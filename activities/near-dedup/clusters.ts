// Cluster selection, pure. Candidate pairs whose estimated similarity reaches the threshold are
// joined with union-find. Inside each component the documents are taken in keep-rule order, and
// each one is removed only when it is similar enough to a document already kept. Every removed
// document is therefore within the threshold of its recorded kept document, so documents that
// share only boilerplate cannot be chained into one cluster through intermediate neighbours.
import { createHash } from 'node:crypto';
import { compareKeepPriority } from './keep-rule';
import type { KeepCandidate } from './keep-rule';
import { estimatedSimilarity } from './minhash';
import { UnionFind } from './union-find';

export interface ClusterNode extends KeepCandidate {
  id: string;
  signature: Uint32Array;
}

export interface Removal {
  node: ClusterNode;
  kept: ClusterNode;
  clusterId: string;
  similarity: number;
}

export interface ClusterResult {
  removals: Removal[];
  clusters: { clusterId: string; kept: ClusterNode; removed: ClusterNode[] }[];
  verifiedPairs: number;
}

export function clusterIdFor(kept: ClusterNode): string {
  return `ndc-${createHash('sha256').update(kept.id).digest('hex').slice(0, 16)}`;
}

/** Builds clusters from candidate pairs of node positions and picks what to remove. */
export function buildClusters(nodes: ClusterNode[], pairs: [number, number][], threshold: number): ClusterResult {
  const sets = new UnionFind(nodes.length);
  let verifiedPairs = 0;
  for (const [a, b] of pairs) {
    if (estimatedSimilarity(nodes[a]!.signature, nodes[b]!.signature) >= threshold) {
      sets.union(a, b);
      verifiedPairs += 1;
    }
  }

  const components = new Map<number, number[]>();
  for (let node = 0; node < nodes.length; node += 1) {
    const root = sets.find(node);
    const members = components.get(root);
    if (members) members.push(node);
    else components.set(root, [node]);
  }

  const result: ClusterResult = { removals: [], clusters: [], verifiedPairs };
  for (const members of components.values()) {
    if (members.length < 2) continue;
    splitComponent(members.map((member) => nodes[member]!), threshold, result);
  }
  return result;
}

function splitComponent(members: ClusterNode[], threshold: number, result: ClusterResult): void {
  members.sort(compareKeepPriority);
  const keepers: { node: ClusterNode; removed: ClusterNode[] }[] = [];
  for (const member of members) {
    let match: { keeper: (typeof keepers)[number]; similarity: number } | undefined;
    if (!member.published) {
      for (const keeper of keepers) {
        const similarity = estimatedSimilarity(member.signature, keeper.node.signature);
        if (similarity >= threshold) {
          match = { keeper, similarity };
          break;
        }
      }
    }
    if (!match) {
      keepers.push({ node: member, removed: [] });
      continue;
    }
    match.keeper.removed.push(member);
    result.removals.push({ node: member, kept: match.keeper.node, clusterId: clusterIdFor(match.keeper.node), similarity: match.similarity });
  }
  for (const keeper of keepers) {
    if (keeper.removed.length > 0) result.clusters.push({ clusterId: clusterIdFor(keeper.node), kept: keeper.node, removed: keeper.removed });
  }
}
