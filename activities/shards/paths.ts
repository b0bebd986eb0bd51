// Output locations; the definitions live in schemas/layout.ts so workflows can compute them too.
export { shardName, stageShardPaths, type StageShardPaths } from '../../schemas/layout';
