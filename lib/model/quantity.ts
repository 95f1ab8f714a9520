/** Kubernetes resource quantities (the subset used for CPU and memory), parsed to compare request <= limit. */
const CPU = /^(\d+(\.\d+)?)(m?)$/;
const MEMORY = /^(\d+)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;
const MEMORY_FACTORS: Record<string, number> = {
  '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

export const CPU_ALLOWED = 'a CPU quantity such as "250m", "1" or "1.5"';
export const MEMORY_ALLOWED = 'a memory quantity such as "256Mi", "1Gi" or "512M"';
/** A volume's size: whole Mi, Gi or Ti (a claim, an emptyDir's limit). */
export const STORAGE_SIZE = /^\d+(Mi|Gi|Ti)$/;
export const STORAGE_ALLOWED = 'a size such as "10Gi"';

/** CPU in millicores, or undefined when not a CPU quantity. */
export function parseCpu(q: string): number | undefined {
  const m = CPU.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[3] === 'm' ? n : n * 1000;
}

/** Memory in bytes, or undefined when not a memory quantity. */
export function parseMemory(q: string): number | undefined {
  const m = MEMORY.exec(q);
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_FACTORS[m[2] ?? ''];
}
