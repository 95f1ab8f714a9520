/**
 * Argo CD has not assessed the health of `argoproj.io/Application` since 1.8, so in an app of apps the
 * parent's sync waves do not wait for child Applications. The Argo CD docs restore it with this
 * resource customization in argocd-cm.
 *
 * Source: argoproj/argo-cd@v3.5.1 (commit 109ca7ca71139e514114499d294a492e7910a965)
 * docs/operator-manual/health.md, section "Argocd App", lines 47-58: the value of the
 * `resource.customizations.health.argoproj.io_Application: |` block scalar, its 4-space indentation
 * removed (12 lines, trailing newline; sha256 14fb8e4defc7760715c56e273c7aa844a0f5ed1c01e433248e6c18769dcd8a5d).
 * v3.5.1 ships no built-in health.lua for argoproj.io/Application.
 */
export const APPLICATION_HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';

/** The Lua, verbatim (see {@link APPLICATION_HEALTH_KEY}). */
export const APPLICATION_HEALTH_LUA = [
  'hs = {}',
  'hs.status = "Progressing"',
  'hs.message = ""',
  'if obj.status ~= nil then',
  '  if obj.status.health ~= nil then',
  '    hs.status = obj.status.health.status',
  '    if obj.status.health.message ~= nil then',
  '      hs.message = obj.status.health.message',
  '    end',
  '  end',
  'end',
  'return hs',
  '',
].join('\n');

/**
 * The database API's claims and composites are in the platform's own API group, which none of Argo CD's
 * built-in scripts match (v3.5.1 resource_customizations has `_.crossplane.io` and `_.upbound.io`
 * wildcards only), so Argo CD would show them without health and the app Healthy while RDS is still
 * being created. The key of each kind: `resource.customizations.health.<group>_<Kind>`.
 */
export const healthKey = (group: string, kind: string): string => `resource.customizations.health.${group}_${kind}`;

/**
 * Health of a Crossplane claim or composite, on the pattern of Argo CD v3.5.1
 * resource_customizations/_.crossplane.io/_/health.lua (itself from the Crossplane docs' Argo CD
 * guide): Degraded when a `Synced` (or `LastAsyncOperation`) condition is False, with its message;
 * Healthy when `Ready` is True; Progressing otherwise (an RDS instance takes about 10 minutes).
 */
export const CROSSPLANE_CLAIM_HEALTH_LUA = [
  'hs = { status = "Progressing", message = "Waiting for the database to be created" }',
  'if obj.status == nil or obj.status.conditions == nil then',
  '  return hs',
  'end',
  'for i, condition in ipairs(obj.status.conditions) do',
  '  if (condition.type == "Synced" or condition.type == "LastAsyncOperation") and condition.status == "False" then',
  '    hs.status = "Degraded"',
  '    hs.message = condition.message',
  '    return hs',
  '  end',
  'end',
  'for i, condition in ipairs(obj.status.conditions) do',
  '  if condition.type == "Ready" and condition.status == "True" then',
  '    hs.status = "Healthy"',
  '    hs.message = "Available"',
  '  end',
  'end',
  'return hs',
  '',
].join('\n');

/** The argocd-cm entries for the database API's kinds (claim and composite) of the platform's group. */
export function databaseHealthChecks(api: { readonly group: string; readonly kind: string; readonly claimKind: string }): { [key: string]: string } {
  return { [healthKey(api.group, api.claimKind)]: CROSSPLANE_CLAIM_HEALTH_LUA, [healthKey(api.group, api.kind)]: CROSSPLANE_CLAIM_HEALTH_LUA };
}
