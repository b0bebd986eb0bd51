// Activities and helpers of the tokenize stage. `tokenizeShard` runs on the cpu queue; the
// chat rendering and encoder are shared with every stage that tokenizes a dataset.
export { tokenizeShard, tokenShardPaths } from './tokenize-shard';
export { renderChat, renderPreference } from './chat';
export { cl100k, Cl100kEncoder } from './cl100k';
