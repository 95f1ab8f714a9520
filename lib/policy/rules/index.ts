import { Rule } from '../engine';
import { argocdExpansionRules } from './argocd-expansion';
import { placementRules } from './placement';
import { pssRules } from './pss';
import { coreSchemaRules } from './schema-core';
import { crdSchemaRules } from './schema-crd';
import { crossplaneSchemaRules } from './schema-crossplane';
import { secretRules } from './secrets';
import { wiringRules } from './wiring';
import { workloadRules } from './workloads';

/** Every rule of the policy gate, in the order `--explain` lists them (npm run validate runs them all). */
export const ALL_RULES: readonly Rule[] = [...coreSchemaRules, ...crdSchemaRules, ...crossplaneSchemaRules, ...pssRules, ...workloadRules, ...wiringRules, ...argocdExpansionRules, ...placementRules, ...secretRules];

/**
 * The rules synth runs before writing: all of them. The schema validators are precompiled by `npm run import` and
 * loaded per kind present, so the whole gate stays within synth's time budget (`npm run bench` reports its share).
 */
export const SYNTH_RULES: readonly Rule[] = ALL_RULES;
