// The configuration hash recorded in every exact-dedup manifest. The stage has no options that
// change its output, so the hash names the normalisation and hash scheme. Bump the version
// when either changes, so that old manifests stop matching.
import { hashConfig } from '../manifest/hash';

export const EXACT_DEDUP_CONFIG_HASH = hashConfig({ normalization: 'nfkc-lower-lookalike-punct', hash: 'sha256-128', version: 1 });
