/**
 * Pod Security Standards (Kubernetes docs "Pod Security Standards", v1.28; the checks of
 * k8s.io/pod-security-admission): one rule per control, `pss-baseline/<control>` and
 * `pss-restricted/<control>`. Restricted = baseline + the restricted rules. Container-level
 * controls cover init, regular and ephemeral containers of every pod-bearing kind.
 */
import { containersOf, defineRule, ManifestObject, PolicyContext, PolicyFinding, podSpecOf, Rule } from '../engine';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Pod = { path: string; spec: any };
type Container = { path: string; container: any };

/** Defines a rule whose check runs once per pod spec of every workload. */
function podRule(
  id: string,
  reason: string,
  explain: string,
  check: (pod: Pod, emit: (path: string, message: string) => void, ctx: PolicyContext, m: ManifestObject) => void,
): Rule {
  return defineRule({
    id,
    severity: 'error',
    reason,
    explain,
    // Each check reads its pod and ctx.kubernetesVersion only.
    scope: 'object',
    check(ctx, report): PolicyFinding[] {
      const out: PolicyFinding[] = [];
      for (const m of ctx.objects) {
        const pod = podSpecOf(m.object);
        if (!pod) continue;
        check(pod, (path, message) => out.push(report(m, path, message)), ctx, m);
      }
      return out;
    },
  });
}

/** The pod template's metadata path (`metadata` for a Pod, `spec.template.metadata` for a Deployment). */
function podMetadataPath(pod: Pod): string {
  return pod.path === 'spec' ? 'metadata' : pod.path.replace(/\.spec$/, '.metadata');
}

/** The pod template's metadata object. */
function podMetadata(m: ManifestObject, pod: Pod): any {
  if (pod.path === 'spec') return m.object.metadata;
  let cur: any = m.object;
  for (const k of podMetadataPath(pod).split('.')) cur = cur?.[k];
  return cur;
}

function sc(c: Container): any {
  return c.container?.securityContext ?? {};
}

function podSc(pod: Pod): any {
  return pod.spec.securityContext ?? {};
}

/** Since v1.25, Windows pods are exempt from the Linux-only restricted checks. */
function isWindows(pod: Pod): boolean {
  return pod.spec.os?.name === 'windows';
}

function minor(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

function show(v: unknown): string {
  return v === undefined ? 'unset' : JSON.stringify(v);
}

const asArray = (v: unknown): any[] => (Array.isArray(v) ? v : []);

// ---------------------------------------------------------------------------------------------
// Baseline

const hostProcess = podRule(
  'pss-baseline/host-process',
  'pods and containers must not run as Windows HostProcess containers',
  'Checks `securityContext.windowsOptions.hostProcess` on the pod and on every container. A HostProcess container runs directly on the Windows node with host privileges, which defeats container isolation. Remove the field or set it to false (the golden app never sets it).',
  (pod, emit) => {
    if (podSc(pod).windowsOptions?.hostProcess === true) emit(`${pod.path}.securityContext.windowsOptions.hostProcess`, 'is true; must be false or unset');
    for (const c of containersOf(pod)) {
      if (sc(c).windowsOptions?.hostProcess === true) emit(`${c.path}.securityContext.windowsOptions.hostProcess`, 'is true; must be false or unset');
    }
  },
);

const hostNamespaces = podRule(
  'pss-baseline/host-namespaces',
  'pods must not share the host network, PID or IPC namespace',
  'Checks `hostNetwork`, `hostPID` and `hostIPC` of the pod spec. Sharing a host namespace lets the pod see and talk to host processes, host network interfaces and host shared memory, bypassing network policies and process isolation. Remove the fields or set them to false (the golden app never sets them).',
  (pod, emit) => {
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (pod.spec[field] === true) emit(`${pod.path}.${field}`, 'is true; must be false or unset');
    }
  },
);

const privileged = podRule(
  'pss-baseline/privileged',
  'containers must not be privileged',
  'Checks `securityContext.privileged` of every container. A privileged container has all capabilities and access to every host device: it is root on the node. Remove the field or set it to false (the golden app sets `privileged: false`).',
  (pod, emit) => {
    for (const c of containersOf(pod)) {
      if (sc(c).privileged === true) emit(`${c.path}.securityContext.privileged`, 'is true; must be false or unset');
    }
  },
);

const BASELINE_CAPS = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

const capabilitiesBaseline = podRule(
  'pss-baseline/capabilities',
  'containers may only add capabilities from the baseline set',
  `Checks \`securityContext.capabilities.add\` of every container: only ${BASELINE_CAPS.join(', ')} may be added (the container runtime's default set). Others, such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE, give kernel-level powers that allow escaping the container. Remove the extra capabilities (the golden app drops ALL and adds none).`,
  (pod, emit) => {
    for (const c of containersOf(pod)) {
      asArray(sc(c).capabilities?.add).forEach((cap, i) => {
        if (!BASELINE_CAPS.includes(cap)) emit(`${c.path}.securityContext.capabilities.add[${i}]`, `${show(cap)} is not allowed; allowed: ${BASELINE_CAPS.join(', ')}`);
      });
    }
  },
);

const hostPathVolumes = podRule(
  'pss-baseline/host-path-volumes',
  'pods must not mount hostPath volumes',
  'Checks `volumes[*].hostPath` of the pod spec. A hostPath volume exposes the node\'s file system (container runtime sockets, credentials, kubelet files) to the pod, a classic container escape. Use an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim instead (the golden app only uses emptyDir).',
  (pod, emit) => {
    asArray(pod.spec.volumes).forEach((v, i) => {
      if (v?.hostPath !== undefined && v?.hostPath !== null) emit(`${pod.path}.volumes[${i}].hostPath`, 'is set; hostPath volumes are not allowed');
    });
  },
);

const hostPorts = podRule(
  'pss-baseline/host-ports',
  'containers must not bind host ports',
  'Checks `ports[*].hostPort` of every container. A host port binds directly on the node\'s network interface, bypassing Services and network policies, and limits scheduling to one pod per node. Remove `hostPort` and expose the port through a Service (the golden app does).',
  (pod, emit) => {
    for (const c of containersOf(pod)) {
      asArray(c.container?.ports).forEach((p, i) => {
        if (p?.hostPort !== undefined && p?.hostPort !== null && p.hostPort !== 0) emit(`${c.path}.ports[${i}].hostPort`, `is ${show(p.hostPort)}; must be 0 or unset`);
      });
    }
  },
);

const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const APPARMOR_TYPES = ['RuntimeDefault', 'Localhost'];

const apparmor = podRule(
  'pss-baseline/apparmor',
  'pods and containers must not disable AppArmor',
  'Checks the pod template annotations `container.apparmor.security.beta.kubernetes.io/<container>` (allowed: `runtime/default`, `localhost/<profile>`) and `securityContext.appArmorProfile.type` of the pod and every container (allowed: RuntimeDefault, Localhost). `unconfined` removes the mandatory access control profile that confines the container. Remove the annotation/field to get the runtime default (the golden app sets neither).',
  (pod, emit, _ctx, m) => {
    const annotations = podMetadata(m, pod)?.annotations ?? {};
    for (const [key, value] of Object.entries<any>(annotations)) {
      if (!key.startsWith(APPARMOR_PREFIX)) continue;
      if (value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'))) continue;
      emit(`${podMetadataPath(pod)}.annotations["${key}"]`, `is ${show(value)}; must be runtime/default or localhost/<profile>`);
    }
    const check = (profile: any, path: string) => {
      if (profile?.type !== undefined && !APPARMOR_TYPES.includes(profile.type)) emit(`${path}.appArmorProfile.type`, `is ${show(profile.type)}; must be RuntimeDefault or Localhost`);
    };
    check(podSc(pod).appArmorProfile, `${pod.path}.securityContext`);
    for (const c of containersOf(pod)) check(sc(c).appArmorProfile, `${c.path}.securityContext`);
  },
);

const selinux = podRule(
  'pss-baseline/selinux',
  'pods and containers must not set a custom SELinux user or role, or an unsafe type',
  'Checks `securityContext.seLinuxOptions` of the pod and every container: `type` may only be container_t, container_init_t or container_kvm_t (and container_engine_t from v1.31); `user` and `role` must be unset. Other SELinux labels can lift the confinement of the container. Remove `seLinuxOptions` (the golden app never sets it).',
  (pod, emit, ctx) => {
    const types = ['container_t', 'container_init_t', 'container_kvm_t', ...(minor(ctx.kubernetesVersion) >= 31 ? ['container_engine_t'] : [])];
    const check = (opts: any, path: string) => {
      if (!opts) return;
      if (opts.type !== undefined && opts.type !== '' && !types.includes(opts.type)) emit(`${path}.seLinuxOptions.type`, `is ${show(opts.type)}; must be unset or one of ${types.join(', ')}`);
      for (const f of ['user', 'role']) {
        if (opts[f] !== undefined && opts[f] !== '') emit(`${path}.seLinuxOptions.${f}`, `is ${show(opts[f])}; must be unset`);
      }
    };
    check(podSc(pod).seLinuxOptions, `${pod.path}.securityContext`);
    for (const c of containersOf(pod)) check(sc(c).seLinuxOptions, `${c.path}.securityContext`);
  },
);

const procMount = podRule(
  'pss-baseline/proc-mount',
  'containers must use the default /proc mount',
  'Checks `securityContext.procMount` of every container: only `Default` (or unset) is allowed. `Unmasked` exposes the host\'s /proc paths that the runtime normally masks (kernel and hardware information, sysrq). Remove the field (the golden app never sets it).',
  (pod, emit) => {
    for (const c of containersOf(pod)) {
      const v = sc(c).procMount;
      if (v !== undefined && v !== 'Default') emit(`${c.path}.securityContext.procMount`, `is ${show(v)}; must be Default or unset`);
    }
  },
);

const seccompBaseline = podRule(
  'pss-baseline/seccomp',
  'pods and containers must not disable seccomp',
  'Checks `securityContext.seccompProfile.type` of the pod and every container: `Unconfined` is not allowed (RuntimeDefault, Localhost or unset are). Without a seccomp filter every system call of the kernel is reachable from the container. Set `seccompProfile: { type: RuntimeDefault }` (the golden app does, at pod and container level).',
  (pod, emit) => {
    const check = (p: any, path: string) => {
      if (p?.type === 'Unconfined') emit(`${path}.seccompProfile.type`, 'is "Unconfined"; must be RuntimeDefault or Localhost');
    };
    check(podSc(pod).seccompProfile, `${pod.path}.securityContext`);
    for (const c of containersOf(pod)) check(sc(c).seccompProfile, `${c.path}.securityContext`);
  },
);

/** The safe sysctls of a Kubernetes minor version (pod-security-admission check_sysctls). */
export function safeSysctls(kubernetesVersion: string): string[] {
  const v = minor(kubernetesVersion);
  return [
    'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start',
    ...(v >= 27 ? ['net.ipv4.ip_local_reserved_ports'] : []),
    ...(v >= 29 ? ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] : []),
    ...(v >= 32 ? ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] : []),
  ];
}

const sysctls = podRule(
  'pss-baseline/sysctls',
  'pods may only set safe (namespaced, isolated) sysctls',
  'Checks `securityContext.sysctls[*].name` of the pod against the safe set of the target Kubernetes version (v1.28: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start). Other sysctls can affect the whole node or other pods. Remove the sysctl or tune it on the node (the golden app sets none).',
  (pod, emit, ctx) => {
    const safe = safeSysctls(ctx.kubernetesVersion);
    asArray(podSc(pod).sysctls).forEach((s, i) => {
      if (!safe.includes(s?.name)) emit(`${pod.path}.securityContext.sysctls[${i}].name`, `${show(s?.name)} is not a safe sysctl; allowed: ${safe.join(', ')}`);
    });
  },
);

// ---------------------------------------------------------------------------------------------
// Restricted

const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

const volumeTypes = podRule(
  'pss-restricted/volume-types',
  'pods may only use configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes',
  `Checks the source of every \`volumes[*]\` entry of the pod spec: only ${RESTRICTED_VOLUMES.join(', ')} are allowed. Other types (hostPath, nfs, iscsi, gitRepo, cloud disks, flexVolume ...) reach outside the pod's own storage or need node-level privileges. Use a PersistentVolumeClaim for storage (the golden app only uses emptyDir).`,
  (pod, emit) => {
    asArray(pod.spec.volumes).forEach((v, i) => {
      for (const key of Object.keys(v ?? {})) {
        if (key === 'name' || RESTRICTED_VOLUMES.includes(key) || v[key] === null || v[key] === undefined) continue;
        emit(`${pod.path}.volumes[${i}].${key}`, `volume type ${key} is not allowed; allowed: ${RESTRICTED_VOLUMES.join(', ')}`);
      }
    });
  },
);

const privilegeEscalation = podRule(
  'pss-restricted/privilege-escalation',
  'containers must not allow privilege escalation',
  'Checks that `securityContext.allowPrivilegeEscalation` of every container is explicitly false (unset means true). Otherwise a process can gain more privileges than its parent through setuid binaries or file capabilities. Set `allowPrivilegeEscalation: false` (the golden app does). Windows pods are exempt.',
  (pod, emit) => {
    if (isWindows(pod)) return;
    for (const c of containersOf(pod)) {
      const v = sc(c).allowPrivilegeEscalation;
      if (v !== false) emit(`${c.path}.securityContext.allowPrivilegeEscalation`, `is ${show(v)}; must be false`);
    }
  },
);

const runningAsNonRoot = podRule(
  'pss-restricted/running-as-non-root',
  'pods must require running as a non-root user',
  'Checks `securityContext.runAsNonRoot`: it must be true at pod level (containers may then leave it unset) or true on every container, and never false. The kubelet then refuses to start a container whose image would run as UID 0. Set `runAsNonRoot: true` in the pod securityContext (the golden app does, and on every container).',
  (pod, emit) => {
    const podValue = podSc(pod).runAsNonRoot;
    if (podValue === false) emit(`${pod.path}.securityContext.runAsNonRoot`, 'is false; must be true');
    for (const c of containersOf(pod)) {
      const v = sc(c).runAsNonRoot;
      if (v === false) emit(`${c.path}.securityContext.runAsNonRoot`, 'is false; must be true');
      else if (v === undefined && podValue !== true) emit(`${c.path}.securityContext.runAsNonRoot`, 'is unset and the pod does not set it; must be true (here or in the pod securityContext)');
    }
  },
);

const runningAsNonRootUser = podRule(
  'pss-restricted/running-as-non-root-user',
  'pods and containers must not run as UID 0',
  'Checks `securityContext.runAsUser` of the pod and every container: it must not be 0 (root). Root in the container is root on the node as soon as any other isolation fails. Use a non-zero UID (the golden app runs as 10001) or leave it unset together with `runAsNonRoot: true`.',
  (pod, emit) => {
    if (podSc(pod).runAsUser === 0) emit(`${pod.path}.securityContext.runAsUser`, 'is 0; must be a non-zero UID');
    for (const c of containersOf(pod)) {
      if (sc(c).runAsUser === 0) emit(`${c.path}.securityContext.runAsUser`, 'is 0; must be a non-zero UID');
    }
  },
);

const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost'];

const seccompRestricted = podRule(
  'pss-restricted/seccomp',
  'pods must set a RuntimeDefault or Localhost seccomp profile',
  'Checks `securityContext.seccompProfile.type`: it must be RuntimeDefault or Localhost at pod level (containers may then leave it unset) or on every container. Unset means Unconfined on most runtimes, leaving every system call reachable. Set `seccompProfile: { type: RuntimeDefault }` in the pod securityContext (the golden app does). Windows pods are exempt.',
  (pod, emit) => {
    if (isWindows(pod)) return;
    const podProfile = podSc(pod).seccompProfile;
    const podSet = podProfile !== undefined && podProfile !== null;
    if (podSet && !SECCOMP_TYPES.includes(podProfile.type)) emit(`${pod.path}.securityContext.seccompProfile.type`, `is ${show(podProfile.type)}; must be RuntimeDefault or Localhost`);
    for (const c of containersOf(pod)) {
      const p = sc(c).seccompProfile;
      if (p !== undefined && p !== null) {
        if (!SECCOMP_TYPES.includes(p.type)) emit(`${c.path}.securityContext.seccompProfile.type`, `is ${show(p.type)}; must be RuntimeDefault or Localhost`);
      } else if (!podSet) {
        emit(`${c.path}.securityContext.seccompProfile.type`, 'is unset and the pod does not set it; must be RuntimeDefault or Localhost (here or in the pod securityContext)');
      }
    }
  },
);

const capabilitiesRestricted = podRule(
  'pss-restricted/capabilities',
  'containers must drop ALL capabilities and may only add NET_BIND_SERVICE',
  'Checks `securityContext.capabilities` of every container: `drop` must include ALL and `add` may only contain NET_BIND_SERVICE. Every capability kept is kernel privilege an attacker can use after a compromise. Set `capabilities: { drop: [ALL] }` (the golden app does). Windows pods are exempt.',
  (pod, emit) => {
    if (isWindows(pod)) return;
    for (const c of containersOf(pod)) {
      const caps = sc(c).capabilities ?? {};
      if (!asArray(caps.drop).includes('ALL')) emit(`${c.path}.securityContext.capabilities.drop`, `${caps.drop === undefined ? 'is unset' : `is ${show(caps.drop)}`}; must include ALL`);
      asArray(caps.add).forEach((cap, i) => {
        if (cap !== 'NET_BIND_SERVICE') emit(`${c.path}.securityContext.capabilities.add[${i}]`, `${show(cap)} is not allowed; only NET_BIND_SERVICE may be added`);
      });
    }
  },
);
/* eslint-enable @typescript-eslint/no-explicit-any */

export const pssBaselineRules: Rule[] = [
  hostProcess, hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, apparmor, selinux, procMount, seccompBaseline, sysctls,
];

export const pssRestrictedRules: Rule[] = [
  volumeTypes, privilegeEscalation, runningAsNonRoot, runningAsNonRootUser, seccompRestricted, capabilitiesRestricted,
];

/** Every Pod Security Standards control (baseline + restricted), one rule each. */
export const pssRules: Rule[] = [...pssBaselineRules, ...pssRestrictedRules];
