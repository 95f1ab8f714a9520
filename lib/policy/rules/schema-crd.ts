import { finding, Rule } from '../engine';
import { validateCustomResource } from '../schemas';

/** `schema/custom-resource`: custom resources must match their CRD's schema (imports/schemas, precompiled validators). */
export const customResourceSchema: Rule = {
  id: 'schema/custom-resource',
  severity: 'error',
  reason: 'custom resources must match the schema of their CustomResourceDefinition',
  explain:
    'Each object whose apiVersion and kind have a CRD under imports/ (Argo CD Application, ApplicationSet and AppProject, ' +
    'SealedSecret, ExternalSecret, SecretStore) is validated against the JSON schema generated from that CRD by ' +
    '`npm run import` (imports/schemas, checked with precompiled validators): unknown or misspelled keys (e.g. repoUrl ' +
    'for repoURL), missing required keys, wrong types and values outside an enum. The API server or the controller ' +
    'would reject, or silently ignore, such fields after the YAML is merged. Fix the field named in the finding; if ' +
    'the CRD itself changed, bump it in cdk8s.yaml and run `npm run import`. Kinds without a CRD schema are not checked.',
  check: (ctx) =>
    ctx.objects.flatMap((m) => validateCustomResource(m.object).map((f) => finding(customResourceSchema, m, f.path, f.message))),
};

export const crdSchemaRules: Rule[] = [customResourceSchema];
