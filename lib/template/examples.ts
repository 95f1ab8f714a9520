/**
 * The example application repositories under examples/, each generated from a template: `dir` is exactly
 * `renderTemplate(template, params)` with the files of `overlay` added on top (an overlay file replaces the template's
 * file of the same path). The overlay holds what only the example has (echo: its routes and their tests, in the
 * template's extension point src/<module>/routes.py). `npm run examples` regenerates them; a test checks that each
 * equals a fresh generation.
 */
import { overlay, renderTemplate, TemplateName, TemplateParams } from './index';

export interface Example {
  /** The generated repository, relative to the repository root. */
  readonly dir: string;
  readonly template: TemplateName;
  readonly params: TemplateParams;
  /** The example's own files (same layout as `dir`). */
  readonly overlay: string;
}

export const EXAMPLES: readonly Example[] = [
  {
    dir: 'examples/echo',
    template: 'python-service',
    params: { name: 'echo', image: 'ghcr.io/acme/echo', port: 8080, gitopsRepository: 'acme/gitops' },
    overlay: 'examples/echo-overlay',
  },
];

/** The files of an example: the template rendered with its parameters, then its overlay. */
export function generateExample(template: ReadonlyMap<string, string>, own: ReadonlyMap<string, string>, params: TemplateParams): Map<string, string> {
  return overlay(renderTemplate(template, params), own);
}
