import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputFile } from './render';

/** What a write did (or, for a check, would do). */
export interface TreeDiff {
  /** Files whose bytes change (new or different). */
  readonly written: string[];
  readonly unchanged: string[];
  /** Files in the directory that synth no longer produces. */
  readonly removed: string[];
  /** Of `written`: files that did not exist. */
  readonly missing: string[];
}

/** Reads every file under `dir` (relative POSIX paths), or an empty map when `dir` does not exist. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!fs.existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r)));
    }
  };
  walk('');
  return out;
}

/** Every file under `dir` (relative POSIX paths), or none when `dir` does not exist. Nothing is read. */
export function listTree(dir: string): Set<string> {
  const out = new Set<string>();
  if (!fs.existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else out.add(r);
    }
  };
  walk('');
  return out;
}

/**
 * Compares the planned files with what is on disk. No writes. Each file on disk is read when its planned
 * counterpart is compared, not all at once (thousands of instances: the old tree is never held in memory).
 */
export function diffTree(dir: string, files: readonly OutputFile[]): TreeDiff {
  const written: string[] = [];
  const unchanged: string[] = [];
  const missing: string[] = [];
  const planned = new Set<string>();
  const existing = listTree(dir);
  for (const f of files) {
    planned.add(f.path);
    if (!existing.has(f.path)) {
      written.push(f.path);
      missing.push(f.path);
      continue;
    }
    const content = Buffer.from(f.content, 'utf8');
    const file = path.join(dir, f.path);
    // Sizes first: a changed size is a change without reading the file.
    if (fs.statSync(file).size !== content.length || !fs.readFileSync(file).equals(content)) written.push(f.path);
    else unchanged.push(f.path);
  }
  const removed = [...existing].filter((p) => !planned.has(p)).sort();
  return { written, unchanged, removed, missing };
}

/**
 * Replaces `dir` with exactly `files`, atomically: the new tree is built in a sibling temporary
 * directory (unchanged files hard-linked, so they keep their bytes), then swapped in with renames.
 * An interrupted run leaves the previous `dir` in place (or restorable from its `.old` sibling, which
 * the next run puts back). Nothing is touched when nothing changed.
 */
export function writeTree(dir: string, files: readonly OutputFile[]): TreeDiff {
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  recover(abs);
  const diff = diffTree(abs, files);
  if (diff.written.length === 0 && diff.removed.length === 0 && fs.existsSync(abs)) return diff;

  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = path.join(parent, `.${base}-tmp-${suffix}`);
  const old = path.join(parent, `.${base}-old-${suffix}`);
  const unchanged = new Set(diff.unchanged);
  try {
    const made = new Set<string>();
    for (const f of files) {
      const target = path.join(tmp, f.path);
      const targetDir = path.dirname(target);
      if (!made.has(targetDir)) {
        fs.mkdirSync(targetDir, { recursive: true });
        made.add(targetDir);
      }
      if (unchanged.has(f.path)) {
        try {
          fs.linkSync(path.join(abs, f.path), target);
          continue;
        } catch {
          // cross-device or unsupported: fall through to a plain write
        }
      }
      fs.writeFileSync(target, f.content);
    }
    fs.mkdirSync(tmp, { recursive: true });
    if (fs.existsSync(abs)) {
      fs.renameSync(abs, old);
      try {
        fs.renameSync(tmp, abs);
      } catch (e) {
        fs.renameSync(old, abs);
        throw e;
      }
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, abs);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return diff;
}

/** Cleans up after an interrupted write: restores `dir` from a `.old` sibling if `dir` is gone, drops temp dirs. */
function recover(abs: string): void {
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  if (!fs.existsSync(parent)) return;
  const leftovers = fs.readdirSync(parent).filter((n) => n.startsWith(`.${base}-tmp-`) || n.startsWith(`.${base}-old-`)).sort();
  for (const name of leftovers) {
    const pid = Number(/-(\d+)-[a-z0-9]+$/.exec(name)?.[1]);
    if (pid && pid !== process.pid && isAlive(pid)) continue; // another synth is writing right now
    const p = path.join(parent, name);
    if (name.startsWith(`.${base}-old-`) && !fs.existsSync(abs)) fs.renameSync(p, abs);
    else fs.rmSync(p, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
