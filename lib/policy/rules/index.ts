import { Rule } from '../engine';
import { pssRules } from './pss';
import { coreSchemaRules } from './schema-core';
import { secretRules } from './secrets';
import { wiringRules } from './wiring';
import { workloadRules } from './workloads';

/** Every rule of the policy gate, in the order `--explain` lists them. */
export const ALL_RULES: readonly Rule[] = [...coreSchemaRules, ...pssRules, ...workloadRules, ...wiringRules, ...secretRules];
