import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Whole-file writes that never leave a half-written file: the content goes to a temporary file in the
 * same directory, is flushed to disk (fsync), then renamed over the target (atomic on POSIX file
 * systems); the directory is flushed too so that the rename itself survives a power loss. A crash at
 * any point leaves either the old file or the new one.
 */

export interface AtomicWriteHooks {
  /** Runs after the temporary file is durable and before the rename (tests simulate a crash here). */
  beforeRename?(tmpPath: string): void | Promise<void>;
}

let sequence = 0;

export async function writeFileAtomic(path: string, content: string, hooks: AtomicWriteHooks = {}): Promise<void> {
  const dir = dirname(path);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${++sequence}.tmp`;
  try {
    const fh = await fsp.open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(content, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await hooks.beforeRename?.(tmp);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  // Not every platform can open or fsync a directory (Windows): the rename is done either way.
  try {
    const fh = await fsp.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
