import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { byBytes, isObj, Obj } from './types';

/** Splits parsed objects into ApplicationSets, AppProjects and Applications (argoproj.io). */
export function splitArgoObjects(objects: readonly unknown[]): { appSets: Obj[]; appProjects: Obj[]; applications: Obj[] } {
  const argo = objects.filter((o): o is Obj => isObj(o) && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('argoproj.io/'));
  return {
    appSets: argo.filter((o) => o.kind === 'ApplicationSet'),
    appProjects: argo.filter((o) => o.kind === 'AppProject'),
    applications: argo.filter((o) => o.kind === 'Application'),
  };
}

/** Every YAML document of every .yaml/.yml file below `dir` (sorted paths); parse errors throw. */
export function readYamlObjects(dir: string): unknown[] {
  const out: unknown[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => byBytes(a.name, b.name))) {
      const p = join(abs, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(entry.name)) {
        for (const doc of parseAllDocuments(readFileSync(p, 'utf8'))) {
          if (doc.errors.length > 0) throw new Error(`${p}: ${doc.errors[0].message}`);
          const v = doc.toJS();
          if (v !== null && v !== undefined) out.push(v);
        }
      }
    }
  };
  walk(dir);
  return out;
}
