/**
 * The file side of the templates (lib/template renders, in memory): reading a template or a repository as a tree of
 * text files, and writing a new repository all at once or not at all.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../model';
import { TemplateName, TEMPLATES } from '../template';

/** templates/ of this checkout (beside lib/). */
export const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

/** Directories a tree never holds: what running a project's tools leaves behind. */
const SKIPPED = new Set(['.git', '.venv', '__pycache__', '.pytest_cache', 'node_modules']);

/** Every file under `dir`, by its `/`-separated relative path, with its text (sorted by path). */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (SKIPPED.has(e.name)) continue;
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.set(child, fs.readFileSync(path.join(dir, child), 'utf8'));
    }
  };
  walk('');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The files of a template under templates/ (or `root`); a name that is not one is refused, naming the option. */
export function readTemplate(name: string, root: string = TEMPLATES_DIR, option = '--template'): Map<string, string> {
  if (!(TEMPLATES as readonly string[]).includes(name)) throw new ConfigError(undefined, option, `"${name}" is not a template; allowed: ${TEMPLATES.join(', ')}`);
  return readTree(path.join(root, name as TemplateName));
}

/** A directory as a message shows it: relative to `cwd` when inside it, else absolute. */
export function shown(cwd: string, dir: string): string {
  const rel = path.relative(cwd, dir);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel;
}

/** Refuses an output directory that exists and is not empty (or is not a directory); says nothing otherwise. */
export function checkOutDir(dir: string, option = '--out'): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new ConfigError(undefined, option, `${dir} exists and is not a directory`);
  if (fs.readdirSync(dir).length > 0) throw new ConfigError(undefined, option, `${dir} exists and is not empty; nothing written`);
}

/**
 * Writes the files into `dir` (which must not exist, or be empty): first into a sibling temporary directory, which
 * then takes the place of `dir`, so a failure leaves no half-written repository behind. Returns the paths written.
 */
export function writeTree(dir: string, files: ReadonlyMap<string, string>, option = '--out'): string[] {
  checkOutDir(dir, option);
  const target = path.resolve(dir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
  try {
    for (const [rel, text] of files) {
      const file = path.join(tmp, ...rel.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return [...files.keys()];
}
