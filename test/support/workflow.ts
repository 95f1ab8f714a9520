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
