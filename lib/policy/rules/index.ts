import { Rule } from '../engine';
import { pssRules } from './pss';
import { coreSchemaRules } from './schema-core';
import { crdSchemaRules } from './schema-crd';
import { secretRules } from './secrets';
import { wiringRules } from './wiring';
import { workloadRules } from './workloads';

/** Every rule of the policy gate, in the order `--explain` lists them (npm run validate runs them all). */
export const ALL_RULES: readonly Rule[] = [...coreSchemaRules, ...crdSchemaRules, ...pssRules, ...workloadRules, ...wiringRules, ...secretRules];

/**
 * The rules synth runs before writing: all but the schema rules, whose validators cost ~0.25 s to
 * load per process (synth's budget is 1.5 s; the schemas run in npm run validate and npm test).
 */
export const SYNTH_RULES: readonly Rule[] = ALL_RULES.filter((r) => !r.id.startsWith('schema/'));
