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
