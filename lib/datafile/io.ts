import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

// ---------------------------------------------------------------------------------------------
// I/O

/** Reads a data file as UTF-8 text (byte-order mark and line endings kept). */
export function readTextFile(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/**
 * Writes `text` (UTF-8) to `file` atomically: a temp file `.<name>.tmp-<pid>-<random>` in the same
 * directory is written, fsynced and renamed over the target, so readers see the old or the new
 * content, never a mix. The target's permission bits are kept. On error the temp file is removed.
 */
export function writeFileAtomic(file: string, text: string): void {
  const dir = nodePath.dirname(file);
  const tmp = nodePath.join(dir, `.${nodePath.basename(file)}.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
  let mode = 0o666;
  try {
    mode = fs.statSync(file).mode & 0o7777;
  } catch {
    // a new file: default mode (umask applies)
  }
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.writeFileSync(fd, text, 'utf8');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // already failing; the original error is what matters
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // not created or already gone
    }
    throw e;
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // directories cannot be fsynced on every platform; the rename itself is atomic
  }
}
