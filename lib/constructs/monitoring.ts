import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsScheme, ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../../imports/monitoring.coreos.com';
import { appDashboard, AppMonitoring, MONITORING_GROUP } from '../model';
import { instanceLabels } from './labels';

/** Props of {@link AppMonitoringObjects}. */
export interface AppMonitoringObjectsProps {
  /** The instance's host-side monitoring, planned by the control plane (lib/model/monitoring.ts `appMonitoring`). */
  readonly monitoring: AppMonitoring;
}

/**
 * An app instance's monitoring on its host, in the vcluster's host namespace (dist
 * `vcluster-host/<env>-<region>/monitoring-<app>.yaml`, synced by the Application vcluster-host-<env>-<region>): the
 * ServiceMonitor (or PodMonitor) that makes the host's kube-prometheus-stack scrape the app's pods as the vcluster
 * syncs them there, the PrometheusRule with its golden alerts, and the Grafana dashboard as a ConfigMap for the
 * stack's dashboards sidecar. Each object carries the labels the stack selects it by (from its values).
 */
export class AppMonitoringObjects extends Construct {
  constructor(scope: Construct, id: string, props: AppMonitoringObjectsProps) {
    super(scope, id);
    const m = props.monitoring;
    // The instance's labels, without the version: a release does not change this file.
    const { 'app.kubernetes.io/version': _version, ...labels } = instanceLabels(m.instance);
    const metadata = (name: string, extra: { readonly [key: string]: string }) => ({ name, namespace: m.namespace, labels: { ...labels, ...extra } });
    const { monitor } = m;

    if (monitor.kind === 'ServiceMonitor') {
      new ServiceMonitor(this, 'monitor', {
        metadata: metadata(monitor.name, monitor.labels),
        spec: {
          jobLabel: monitor.jobLabel,
          selector: { matchLabels: { ...monitor.selector } },
          namespaceSelector: { matchNames: [m.namespace] },
          endpoints: [{ port: monitor.port, path: monitor.path, scheme: ServiceMonitorSpecEndpointsScheme.HTTP }],
        },
      });
    } else {
      new PodMonitor(this, 'monitor', {
        metadata: metadata(monitor.name, monitor.labels),
        spec: {
          jobLabel: monitor.jobLabel,
          selector: { matchLabels: { ...monitor.selector } },
          namespaceSelector: { matchNames: [m.namespace] },
          podMetricsEndpoints: [{ port: monitor.port, path: monitor.path, scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTP }],
        },
      });
    }

    // No pinned CRD for PrometheusRule (imports/README.md): built untyped, in the shape of monitoring.coreos.com/v1.
    new ApiObject(this, 'rules', {
      apiVersion: `${MONITORING_GROUP}/v1`,
      kind: 'PrometheusRule',
      metadata: metadata(m.rules.name, m.rules.labels),
      spec: {
        groups: [{
          name: m.rules.group,
          rules: m.rules.alerts.map((a) => ({ alert: a.alert, expr: a.expr, for: a.for, labels: { ...a.labels }, annotations: { ...a.annotations } })),
        }],
      },
    });

    if (m.dashboard) {
      new k8s.KubeConfigMap(this, 'dashboard', {
        metadata: metadata(m.dashboard.name, m.dashboard.labels),
        data: { [m.dashboard.file]: `${JSON.stringify(appDashboard(m), null, 2)}\n` },
      });
    }
  }
}
