import { App, Chart } from 'cdk8s';
import { GoldenApp } from '../../lib/constructs/golden-app';
import { AppInstance } from '../../lib/model';
import { goldenAppPropsOf } from '../../lib/synth/golden-app-props';

/** A synthesized Kubernetes object, as plain JSON (what ends up in the YAML). */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

/** Synthesizes one instance the way synth does (one App, one Chart without name hashes), in memory. */
export function synthInstance(instance: AppInstance, checksums?: { [name: string]: string }): K8sObject[] {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new Chart(app, instance.instance, { disableResourceNameHashes: true });
  new GoldenApp(chart, 'app', { ...goldenAppPropsOf(instance), ...(checksums ? { checksums } : {}) });
  return chart.toJson() as K8sObject[];
}

/** The objects of a kind (optionally with a name). */
export function allOf(objects: K8sObject[], kind: string, name?: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

/** The one object of a kind (and name); fails when there is not exactly one. */
export function oneOf(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = allOf(objects, kind, name);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}
