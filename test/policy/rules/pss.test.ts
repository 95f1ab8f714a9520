import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, ManifestObject, PolicyContext, PolicyFinding, runPolicy } from '../../../lib/policy/engine';
import { pssRules, safeSysctls } from '../../../lib/policy/rules/pss';
import { planSynth } from '../../../lib/synth';
import { exampleInput } from '../../support/example';
import { corpusNamespace } from '../../support/policy-corpus';

const FIXTURES = path.join(__dirname, '../../fixtures/policy/pss');

function parse(file: string, content: string): ManifestObject[] {
  return parseAllDocuments(content)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o)
    .map((object, index) => ({ file, index, object }));
}

function ctxOf(objects: ManifestObject[], kubernetesVersion = '1.28'): PolicyContext {
  return { objects, envOf: () => undefined, envNamed: () => undefined, kubernetesVersion };
}

function fixture(name: string): ManifestObject[] {
  return parse(`pss/${name}`, fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

function run(objects: ManifestObject[], version = '1.28'): PolicyFinding[] {
  return runPolicy(pssRules, ctxOf(objects, version));
}

const DEPLOY = 'Deployment';
const POD = 'Pod';
const T = 'spec.template.spec';

/**
 * Per rule: the one finding its fail fixture must yield (about the `kind` named web, in the fixture's own
 * namespace: test/fixtures/policy/README.md), and the other rules the same manifest also (necessarily) fails.
 */
const CASES: { rule: string; kind: string; path: string; message: RegExp; alsoFails?: string[] }[] = [
  { rule: 'pss-baseline/host-process', kind: DEPLOY, path: `${T}.securityContext.windowsOptions.hostProcess`, message: /must be false/ },
  { rule: 'pss-baseline/host-namespaces', kind: POD, path: 'spec.hostNetwork', message: /must be false/ },
  { rule: 'pss-baseline/privileged', kind: DEPLOY, path: `${T}.containers[0].securityContext.privileged`, message: /must be false/ },
  {
    rule: 'pss-baseline/capabilities', kind: DEPLOY, path: `${T}.containers[0].securityContext.capabilities.add[1]`, message: /"SYS_ADMIN" is not allowed/,
    alsoFails: ['pss-restricted/capabilities'],
  },
  {
    rule: 'pss-baseline/host-path-volumes', kind: DEPLOY, path: `${T}.volumes[3].hostPath`, message: /not allowed/,
    alsoFails: ['pss-restricted/volume-types'],
  },
  { rule: 'pss-baseline/host-ports', kind: DEPLOY, path: `${T}.containers[0].ports[0].hostPort`, message: /is 8080; must be 0 or unset/ },
  {
    rule: 'pss-baseline/apparmor', kind: DEPLOY, path: 'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]',
    message: /"unconfined"; must be runtime\/default/,
  },
  { rule: 'pss-baseline/selinux', kind: DEPLOY, path: `${T}.initContainers[0].securityContext.seLinuxOptions.role`, message: /must be unset/ },
  { rule: 'pss-baseline/proc-mount', kind: POD, path: 'spec.ephemeralContainers[0].securityContext.procMount', message: /"Unmasked"; must be Default/ },
  {
    rule: 'pss-baseline/seccomp', kind: DEPLOY, path: `${T}.containers[0].securityContext.seccompProfile.type`, message: /"Unconfined"; must be RuntimeDefault/,
    alsoFails: ['pss-restricted/seccomp'],
  },
  { rule: 'pss-baseline/sysctls', kind: DEPLOY, path: `${T}.securityContext.sysctls[1].name`, message: /"kernel.msgmax" is not a safe sysctl/ },
  { rule: 'pss-restricted/volume-types', kind: DEPLOY, path: `${T}.volumes[3].nfs`, message: /volume type nfs is not allowed/ },
  { rule: 'pss-restricted/privilege-escalation', kind: DEPLOY, path: `${T}.containers[0].securityContext.allowPrivilegeEscalation`, message: /is unset; must be false/ },
  { rule: 'pss-restricted/running-as-non-root', kind: DEPLOY, path: `${T}.initContainers[0].securityContext.runAsNonRoot`, message: /is false; must be true/ },
  { rule: 'pss-restricted/running-as-non-root-user', kind: DEPLOY, path: `${T}.containers[0].securityContext.runAsUser`, message: /is 0; must be a non-zero UID/ },
  { rule: 'pss-restricted/seccomp', kind: DEPLOY, path: `${T}.initContainers[0].securityContext.seccompProfile.type`, message: /is unset .*must be RuntimeDefault or Localhost/ },
  { rule: 'pss-restricted/capabilities', kind: DEPLOY, path: `${T}.initContainers[0].securityContext.capabilities.drop`, message: /must include ALL/ },
];

describe('pss rules', () => {
  it('has one rule per control, each an error with a reason and an explanation', () => {
    expect(pssRules.map((r) => r.id).sort()).toEqual(CASES.map((c) => c.rule).sort());
    for (const r of pssRules) {
      expect(r.severity).toBe('error');
      expect(r.reason).not.toMatch(/\n/);
      expect(r.explain).toContain(`rule: '${r.id}'`);
    }
  });

  it('passes the compliant Deployment', () => {
    expect(run(fixture('pass.yaml'))).toEqual([]);
  });

  it.each(CASES)('$rule: its fail fixture yields exactly the expected finding', (c) => {
    const file = `${c.rule.replace('pss-', '').replace('/', '-')}.fail.yaml`;
    const findings = run(fixture(file));
    const own = findings.filter((f) => f.rule === c.rule);
    const object = `${c.kind} ${corpusNamespace(`pss/${file}`)}/web`;
    expect(own).toEqual([{ rule: c.rule, severity: 'error', file: `pss/${file}`, object, path: c.path, message: expect.stringMatching(c.message) }]);
    expect(own[0].message).not.toMatch(/\n/);
    // The manifest violates only this control (and the stricter rules that imply it).
    expect([...new Set(findings.map((f) => f.rule))].sort()).toEqual([c.rule, ...(c.alsoFails ?? [])].sort());
  });

  it('reports nothing on the example repository', () => {
    const objects = planSynth(exampleInput).files.filter((f) => f.path.endsWith('.yaml')).flatMap((f) => parse(f.path, f.content));
    expect(objects.filter((m) => m.object.kind === 'Deployment').length).toBeGreaterThan(0);
    expect(run(objects)).toEqual([]);
  });

  describe('semantics', () => {
    const pod = (spec: object, annotations?: object): ManifestObject[] => [
      { file: 'x.yaml', index: 0, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', ...(annotations ? { annotations } : {}) }, spec } as K8sObject },
    ];
    const ids = (objects: ManifestObject[], version = '1.28') => run(objects, version).map((f) => `${f.rule} ${f.path}`);
    const good = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

    it('accepts pod-level runAsNonRoot and seccomp for containers that leave them unset', () => {
      expect(ids(pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }, containers: [{ name: 'a', securityContext: good }] }))).toEqual([]);
    });

    it('requires runAsNonRoot and seccomp on every container when the pod does not set them', () => {
      expect(ids(pod({ containers: [{ name: 'a', securityContext: good }, { name: 'b', securityContext: { ...good, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } }] }))).toEqual([
        'pss-restricted/running-as-non-root spec.containers[0].securityContext.runAsNonRoot',
        'pss-restricted/seccomp spec.containers[0].securityContext.seccompProfile.type',
      ]);
    });

    it('reports a pod-level runAsNonRoot: false and Unconfined seccomp once, at pod level', () => {
      const spec = { securityContext: { runAsNonRoot: false, seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { ...good, runAsNonRoot: true } }] };
      expect(ids(pod(spec))).toEqual([
        'pss-baseline/seccomp spec.securityContext.seccompProfile.type',
        'pss-restricted/running-as-non-root spec.securityContext.runAsNonRoot',
        'pss-restricted/seccomp spec.securityContext.seccompProfile.type',
      ]);
    });

    it('covers CronJob pod templates and exempts Windows pods from the Linux-only restricted checks', () => {
      const cron: ManifestObject = {
        file: 'c.yaml', index: 0,
        object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'n' }, spec: { jobTemplate: { spec: { template: { spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', securityContext: { capabilities: { drop: ['ALL'] } } }] } } } } } },
      };
      expect(ids([cron])).toEqual(['pss-restricted/privilege-escalation spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation']);
      expect(ids(pod({ os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'a' }] }))).toEqual([]);
    });

    it('checks appArmorProfile and SELinux fields, not only annotations', () => {
      const spec = {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, appArmorProfile: { type: 'Unconfined' }, seLinuxOptions: { type: 'spc_t', user: 'system_u' } },
        containers: [{ name: 'a', securityContext: { ...good, appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-a' } } }],
      };
      expect(ids(pod(spec, { 'container.apparmor.security.beta.kubernetes.io/a': 'localhost/k8s-a' }))).toEqual([
        'pss-baseline/apparmor spec.securityContext.appArmorProfile.type',
        'pss-baseline/selinux spec.securityContext.seLinuxOptions.type',
        'pss-baseline/selinux spec.securityContext.seLinuxOptions.user',
      ]);
    });

    it('uses the safe sysctl set of the target Kubernetes version', () => {
      expect(safeSysctls('1.28')).toContain('net.ipv4.ip_local_reserved_ports');
      expect(safeSysctls('1.28')).not.toContain('net.ipv4.tcp_keepalive_time');
      const spec = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }] }, containers: [{ name: 'a', securityContext: good }] };
      expect(ids(pod(spec), '1.28')).toEqual(['pss-baseline/sysctls spec.securityContext.sysctls[0].name']);
      expect(ids(pod(spec), '1.29')).toEqual([]);
    });
  });
});
