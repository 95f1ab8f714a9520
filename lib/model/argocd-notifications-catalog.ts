/**
 * The Argo CD notifications catalog entries the platform uses (pure data): argoproj/argo-cd@v3.4.4 (commit
 * 443415b5527ac55366e0760c93ef0e1abd0cf273, the Argo CD that chart argo-cd 10.1.1 runs; the files are the same at
 * v3.5.1) notifications_catalog/. Triggers are the files verbatim; templates are the `message` and `slack` keys of
 * the files (their `email` and `teams` keys dropped: Slack is the only service configured). The sha256 of each
 * text is pinned by test/argocd/notifications.test.ts.
 */

/** A catalog trigger: its file (a YAML list of conditions) and the template it sends. */
export interface CatalogTrigger {
  /** The value of `trigger.<name>` in argocd-notifications-cm. */
  readonly yaml: string;
  /** The template its condition sends (`send`). */
  readonly template: string;
}

/** notifications_catalog/triggers/<name>.yaml @ v3.4.4, verbatim. */
export const CATALOG_TRIGGERS = {
  // sha256 2a6fb72f5f3a9a31c74b4fe31351e0948324fa8112cf3b6d6a2e9b53090f81e4
  'on-sync-failed': {
    template: 'app-sync-failed',
    yaml: [
      "- when: app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']",
      '  description: Application syncing has failed',
      '  send: [app-sync-failed]',
      '  oncePer: app.status.operationState?.syncResult?.revision',
      '',
    ].join('\n'),
  },
  // sha256 21fb6ffe6551a220738846b8acdb15d8bdce03d9cbc7b52819eb92dd5b3cc34a
  'on-health-degraded': {
    template: 'app-health-degraded',
    yaml: [
      "- when: app.status.health.status == 'Degraded'",
      '  description: Application has degraded',
      '  send: [app-health-degraded]',
      '  oncePer: app.status.operationState?.syncResult?.revision',
      '',
    ].join('\n'),
  },
  // sha256 88a76d48de71cde5db8df52e79db08378054a0bbeaa5ac97cb5f67bc59337c76
  'on-deployed': {
    template: 'app-deployed',
    yaml: [
      "- when: app.status.operationState != nil and app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy' and (!time.Parse(app.status.health.lastTransitionTime).Add(1 * time.Minute).Before(time.Parse(app.status.operationState.finishedAt)) or time.Parse(app.status.health.lastTransitionTime).Before(time.Parse(app.status.operationState.startedAt)))",
      '  description: Application is synced and healthy. Triggered once per commit.',
      '  send: [app-deployed]',
      '  oncePer: app.status.operationState?.syncResult?.revision',
      '',
    ].join('\n'),
  },
} as const satisfies Readonly<Record<string, CatalogTrigger>>;

/** notifications_catalog/templates/<name>.yaml @ v3.4.4: its `message` and `slack` keys, verbatim (the lines named). */
export const CATALOG_TEMPLATES: Readonly<Record<string, string>> = {
  // lines 1-3, 6-32; sha256 a63429fe2e57557f620799f7c8bf49b75fcc1af7c57cc26535ab59de7478a25c
  'app-sync-failed': [
    'message: |',
    '    {{if eq .serviceType "slack"}}:exclamation:{{end}}  The sync operation of application {{.app.metadata.name}} has failed at {{.app.status.operationState.finishedAt}} with the following error: {{.app.status.operationState.message}}',
    '    Sync operation details are available at: {{.context.argocdUrl}}/applications/{{.app.metadata.name}}?operation=true .',
    'slack:',
    '    attachments: |',
    '        [{',
    '          "title": "{{ .app.metadata.name}}",',
    '          "title_link":"{{.context.argocdUrl}}/applications/{{.app.metadata.name}}",',
    '          "color": "#E96D76",',
    '          "fields": [',
    '          {',
    '            "title": "Sync Status",',
    '            "value": "{{.app.status.sync.status}}",',
    '            "short": true',
    '          },',
    '          {',
    '            "title": {{- if .app.spec.source }} "Repository" {{- else if .app.spec.sources }} "Repositories" {{- end }},',
    '            "value": {{- if .app.spec.source }} ":arrow_heading_up: {{ .app.spec.source.repoURL }}" {{- else if .app.spec.sources }} "{{- range $index, $source := .app.spec.sources }}{{ if $index }}\\n{{ end }}:arrow_heading_up: {{ $source.repoURL }}{{- end }}" {{- end }},',
    '            "short": true',
    '          }',
    '          {{range $index, $c := .app.status.conditions}}',
    '          ,',
    '          {',
    '            "title": "{{$c.type}}",',
    '            "value": "{{$c.message}}",',
    '            "short": true',
    '          }',
    '          {{end}}',
    '          ]',
    '        }]',
    '',
  ].join('\n'),
  // lines 1-3, 6-32; sha256 96bcc191ce23abc591009a149ac039361866c3669ce6c8d533c3a7ebaaaf323b
  'app-health-degraded': [
    'message: |',
    '    {{if eq .serviceType "slack"}}:exclamation:{{end}} Application {{.app.metadata.name}} has degraded.',
    '    Application details: {{.context.argocdUrl}}/applications/{{.app.metadata.name}}.',
    'slack:',
    '    attachments: |',
    '        [{',
    '          "title": "{{ .app.metadata.name}}",',
    '          "title_link": "{{.context.argocdUrl}}/applications/{{.app.metadata.name}}",',
    '          "color": "#f4c030",',
    '          "fields": [',
    '          {',
    '            "title": "Health Status",',
    '            "value": "{{.app.status.health.status}}",',
    '            "short": true',
    '          },',
    '          {',
    '            "title": {{- if .app.spec.source }} "Repository" {{- else if .app.spec.sources }} "Repositories" {{- end }},',
    '            "value": {{- if .app.spec.source }} ":arrow_heading_up: {{ .app.spec.source.repoURL }}" {{- else if .app.spec.sources }} "{{- range $index, $source := .app.spec.sources }}{{ if $index }}\\n{{ end }}:arrow_heading_up: {{ $source.repoURL }}{{- end }}" {{- end }},',
    '            "short": true',
    '          }',
    '          {{range $index, $c := .app.status.conditions}}',
    '          ,',
    '          {',
    '            "title": "{{$c.type}}",',
    '            "value": "{{$c.message}}",',
    '            "short": true',
    '          }',
    '          {{end}}',
    '          ]',
    '        }]',
    '',
  ].join('\n'),
  // lines 1-2, 5-36; sha256 188cd222217f4d6d8dc1818653034019df7e9bc1141e6e08a50f8dd034c52a1c
  'app-deployed': [
    'message: |',
    '    {{if eq .serviceType "slack"}}:white_check_mark:{{end}} Application {{.app.metadata.name}} is now running new version of deployments manifests.',
    'slack:',
    '    attachments: |',
    '        [{',
    '          "title": "{{ .app.metadata.name}}",',
    '          "title_link":"{{.context.argocdUrl}}/applications/{{.app.metadata.name}}",',
    '          "color": "#18be52",',
    '          "fields": [',
    '          {',
    '            "title": "Sync Status",',
    '            "value": "{{.app.status.sync.status}}",',
    '            "short": true',
    '          },',
    '          {',
    '            "title": {{- if .app.spec.source }} "Repository" {{- else if .app.spec.sources }} "Repositories" {{- end }},',
    '            "value": {{- if .app.spec.source }} ":arrow_heading_up: {{ .app.spec.source.repoURL }}" {{- else if .app.spec.sources }} "{{- range $index, $source := .app.spec.sources }}{{ if $index }}\\n{{ end }}:arrow_heading_up: {{ $source.repoURL }}{{- end }}" {{- end }},',
    '            "short": true',
    '          },',
    '          {',
    '            "title": "Revision",',
    '            "value": "{{.app.status.sync.revision}}",',
    '            "short": true',
    '          }',
    '          {{range $index, $c := .app.status.conditions}}',
    '          ,',
    '          {',
    '            "title": "{{$c.type}}",',
    '            "value": "{{$c.message}}",',
    '            "short": true',
    '          }',
    '          {{end}}',
    '          ]',
    '        }]',
    '',
  ].join('\n'),
};
