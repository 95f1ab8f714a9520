import { defineRule, Rule } from '../engine';
import { validateCustomResource, validateVclusterValues } from '../schemas';

/** `schema/custom-resource`: custom resources must match their CRD's schema (imports/schemas, precompiled validators). */
export const customResourceSchema: Rule = defineRule({
  id: 'schema/custom-resource',
  severity: 'error',
  reason: 'custom resources must match the schema of their CustomResourceDefinition',
  explain:
    'Each object whose apiVersion and kind have a CRD schema under imports/schemas (the kinds are listed in ' +
    'imports/README.md) is validated against the JSON schema generated from that CRD by ' +
    '`npm run import` (imports/schemas, checked with precompiled validators): unknown or misspelled keys (e.g. repoUrl ' +
    'for repoURL), missing required keys, wrong types and values outside an enum. The API server or the controller ' +
    'would reject, or silently ignore, such fields after the YAML is merged. Fix the field named in the finding; if ' +
    'the CRD itself changed, bump it in cdk8s.yaml and run `npm run import`. Kinds without a CRD schema are not checked.',
  scope: 'object',
  check: (ctx, report) => ctx.objects.flatMap((m) => validateCustomResource(m.object).map((f) => report(m, f.path, f.message))),
});

/** `schema/vcluster-values`: the vcluster chart's values (an Argo CD Application's helm.valuesObject) must match the chart's schema. */
export const vclusterValuesSchema: Rule = defineRule({
  id: 'schema/vcluster-values',
  severity: 'error',
  // Its findings are on the control plane (argocd/), which no app's policy.allow covers.
  optOut: false,
  reason: "the values given to the vcluster chart must match the chart's values.schema.json",
  explain:
    'Each Argo CD Application of the vcluster chart (spec.source.chart: vcluster) has its spec.source.helm.valuesObject ' +
    "validated against the pinned chart's values.schema.json (imports/schemas/vcluster, from cdk8s.yaml), in which every " +
    'object forbids unknown keys: a misspelled value (controlPlane.distro.k8s.enabeld) or a wrong type fails here, ' +
    'instead of failing the Helm render in Argo CD after the merge. Fix the value in the env\'s `vcluster.values` ' +
    '(envs/<env>.ts); if the chart changed, bump it in cdk8s.yaml and run `npm run import`.',
  scope: 'object',
  check: (ctx, report) =>
    ctx.objects.flatMap((m) => {
      const o = m.object as { apiVersion?: unknown; kind?: unknown; spec?: { source?: { chart?: unknown; helm?: { valuesObject?: unknown } } } };
      const source = o.spec?.source;
      if (o.kind !== 'Application' || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('argoproj.io/')) return [];
      if (source?.chart !== 'vcluster' || source.helm?.valuesObject === undefined) return [];
      return validateVclusterValues(source.helm.valuesObject).map((f) =>
        report(m, `spec.source.helm.valuesObject${f.path ? (f.path.startsWith('[') ? f.path : `.${f.path}`) : ''}`, f.message));
    }),
});

export const crdSchemaRules: Rule[] = [customResourceSchema, vclusterValuesSchema];
