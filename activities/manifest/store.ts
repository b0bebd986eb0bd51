// Reading and writing manifests. Data files are always written before their manifest.
import type { z } from 'zod';
import { Context, log } from '@temporalio/activity';
import { storageFor } from '../storage';
import type { FileDigest } from '../../schemas/manifest';
import { sha256OfUri } from './hash';

/** Returns the manifest at `uri`, or undefined when it is missing or unreadable (then the work is redone). */
export async function readManifest<Schema extends z.ZodType>(uri: string, schema: Schema): Promise<z.infer<Schema> | undefined> {
  const storage = await storageFor(uri);
  if (!(await storage.stat(uri))) return undefined;
  try {
    return schema.parse(JSON.parse((await storage.readBytes(uri)).toString('utf8')));
  } catch (error) {
    safeLog().warn('Ignoring an invalid manifest; the stage will redo its work', { uri, error: String(error) });
    return undefined;
  }
}

export async function writeManifest(uri: string, manifest: unknown): Promise<void> {
  const storage = await storageFor(uri);
  await storage.write(uri, JSON.stringify(manifest, null, 2) + '\n');
}

/** True when every input still has the size and sha256 the manifest recorded. */
export async function inputsUnchanged(recorded: FileDigest[], current: Array<{ uri: string; size: number }>): Promise<boolean> {
  if (recorded.length !== current.length) return false;
  for (const [index, file] of current.entries()) {
    const before = recorded[index];
    if (!before || before.uri !== file.uri || before.bytes !== file.size) return false;
  }
  for (const before of recorded) {
    const now = await sha256OfUri(before.uri).catch(() => undefined);
    if (!now || now.sha256 !== before.sha256) return false;
  }
  return true;
}

/** Activity logger when running inside an activity, console otherwise (scripts and tests). */
function safeLog(): Pick<typeof console, 'warn'> {
  try {
    Context.current();
    return log;
  } catch {
    return console;
  }
}
