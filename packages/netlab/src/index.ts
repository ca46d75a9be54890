/**
 * @wanwatch/netlab — wanwatch's network lab (private; used by tests and
 * benchmarks only, never by the shipped packages). Builds a router with N
 * uplinks, one ISP per uplink, a shared "internet" and a LAN host in Linux
 * network namespaces; injects faults; measures outages with a traffic meter.
 *
 * @example
 * ```ts
 * const lab = await Lab.create({ uplinks: 2 });
 * after(() => lab.destroy());
 * const fault = await lab.faults.carrierLoss(1);
 * await fault.clear();
 * ```
 */
export { Lab, type LabOptions, type LabUplink } from './lab.js';
export { Faults, type Fault, type LatencySpec } from './faults.js';
export { TrafficMeter, type MeterOptions } from './meter.js';
export { findGaps, type Gap, type GapInput, type MeterReport } from './gaps.js';
export { Agent, type AgentOptions } from './agent.js';
export { serve as serveAgent, emit as emitAgentEvent, type Handler } from './agents/serve.js';
export { NetlabError, type NetlabErrorCode } from './errors.js';
export { assertLabAddress, LAN, SERVICES, TARGET_PREFIXES, targets4, targets6, uplinkPlan } from './addresses.js';
export { listLabNamespaces, sweepNamespaces } from './namespaces.js';
export { NAMESPACE_PREFIX, namespaceName, newRunId } from './names.js';
export { preflight } from './preflight.js';
export { labProbeTable } from './router/lab-probe-routing.js';
export { run, execIn, ipIn, nftIn } from './exec.js';
export { HaLab, HA_LAN, type HaLabOptions, type HaRouter } from './ha-lab.js';
export { Keepalived, keepalivedConfig, type KeepalivedSpec } from './keepalived.js';
