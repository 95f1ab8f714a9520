/**
 * The one editor of typed data files (envs/releases.ts, envs/secrets.ts, ...): reads the exported
 * object literal as plain data and sets/inserts/deletes values through the TypeScript AST, keeping
 * comments and formatting (one changed line per changed value), and writes files atomically.
 */
export { compactValue, DataFileError, deleteValue, readDataFile, readTextFile, renderString, setValue, writeFileAtomic } from './data-file';
export type { DataObject, DataValue, EditOptions, EditResult } from './data-file';
