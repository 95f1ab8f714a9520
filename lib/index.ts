/**
 * typed-gitops as a library: `import { GoldenApp, defineApp, ... } from 'typed-gitops'` in any cdk8s app.
 *
 * The model (pure: apps, environments, releases, the platform, its clusters and add-ons, the resolver) and the
 * constructs (the golden app, a database claim, a SealedSecret, the Argo CD control plane). Not exported: the
 * CLIs (synth, validate, release, seal) and the data-file editor, which need disk, git and the TypeScript
 * compiler; the package's build (`npm run build`, build/) runs on Node alone.
 */
export * from './model';
export * from './constructs/golden-app';
export * from './constructs/database';
export * from './constructs/sealed-secret';
export * from './constructs/argocd';
