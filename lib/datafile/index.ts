/**
 * The one editor of typed data files (envs/releases.ts, envs/secrets.ts, ...): reads the exported
 * object literal as plain data and sets/inserts/deletes values through the TypeScript AST, keeping
 * comments and formatting (one changed line per changed value), and writes files atomically.
 *
 * read.ts parses and evaluates, plain-data.ts compares and builds plain values, style.ts detects the
 * file's style and renders values in it, edit.ts locates and edits, io.ts reads and writes files.
 */
export { compactValue, deleteValue, setValue } from './edit';
export { readTextFile, writeFileAtomic } from './io';
export { DataFileError, readDataFile } from './read';
export { render, renderString } from './style';
export type { Style } from './style';
export { addToRegistry } from './registry';
export type { DataObject, DataValue, EditOptions, EditResult } from './read';
