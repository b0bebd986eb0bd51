// Whether an exact-dedup manifest still describes valid work, so a retry can skip it.
import type { FileDigest } from '../../schemas/manifest';
import { codeVersion } from '../manifest/code-version';
import { inputsUnchanged } from '../manifest/store';
import { storageFor } from '../storage';
import { EXACT_DEDUP_CONFIG_HASH } from './config-hash';

interface RecordedWork {
  codeVersion: string;
  configHash: string;
  inputs: FileDigest[];
}

/**
 * True when the manifest was written by this code version and config, every input still has
 * the recorded size and sha256, and every output still exists with its recorded size.
 */
export async function manifestMatches(recorded: RecordedWork, outputs: FileDigest[], inputUris: string[]): Promise<boolean> {
  if (recorded.codeVersion !== codeVersion() || recorded.configHash !== EXACT_DEDUP_CONFIG_HASH) return false;
  const current = [];
  for (const uri of inputUris) {
    const info = await (await storageFor(uri)).stat(uri);
    if (!info) return false;
    current.push({ uri, size: info.size });
  }
  if (!(await inputsUnchanged(recorded.inputs, current))) return false;
  for (const output of outputs) {
    const info = await (await storageFor(output.uri)).stat(output.uri);
    if (!info || info.size !== output.bytes) return false;
  }
  return true;
}
