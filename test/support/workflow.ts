import * as fs from 'node:fs';

/** A GitHub Actions workflow as the workflow tests read it (the fields they look at), one home for the three suites. */
export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}

export interface Input {
  type: string;
  required?: boolean;
  options?: string[];
  default?: unknown;
}

export interface Workflow {
  on: Record<string, { types?: string[]; inputs?: Record<string, Input> } | null>;
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

/**
 * What `action-validator FILE` (@action-validator/cli) says about a workflow or action file, computed in-process with
 * the library the CLI calls (@action-validator/core, WebAssembly), the way cli.mjs does: `action.yml`/`action.yaml` is
 * an action, anything else a workflow; with errors, exit status 1 and the result as JSON on stderr; without, 0 and
 * nothing. One WebAssembly start per test file instead of a node process (~0.45 s) per file checked.
 */
export function actionValidator(file: string): { status: number; errors: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const core = require('@action-validator/core') as typeof import('@action-validator/core');
  const contents = fs.readFileSync(file, 'utf8');
  const result = /action\.ya?ml$/.test(file) ? core.validateAction(contents) : core.validateWorkflow(contents);
  return result.errors.length > 0 ? { status: 1, errors: JSON.stringify(result, null, 2) } : { status: 0, errors: '' };
}
