/**
 * Choosing the ICMP backend. `auto` (the default) uses the native prober
 * (net-ping over raw-socket, a compiled addon) and falls back to the system
 * `ping` when the addon cannot be loaded or cannot open a raw socket; the
 * choice is logged once and readable from `WanwatchProbe.icmpBackend`.
 */
import { NativeIcmp } from './native.js';
import type { EchoShape, NetPing } from './session.js';

/** Which ICMP backend to use. */
export type IcmpBackendChoice = 'auto' | 'native' | 'system';
/** Which ICMP backend is in use. */
export type IcmpBackendName = 'native' | 'system-ping';

/** Where log lines of the probes go. */
export interface ProbeLogger {
  warn(message: string): void;
  info?(message: string): void;
}

/**
 * Loads net-ping. It is an optional dependency: npm leaves it out when its
 * native addon (raw-socket) cannot be built (no C++ toolchain), or the addon
 * may be there unbuilt (install scripts not allowed).
 */
export async function loadNetPing(): Promise<NetPing> {
  // A specifier TypeScript does not resolve: net-ping has no typings; net-ping-types.ts describes it.
  const specifier: string = 'net-ping';
  try {
    const mod = (await import(specifier)) as { default: NetPing };
    return mod.default;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const text = err instanceof Error ? err.message : String(err);
    if (code === 'ERR_MODULE_NOT_FOUND' && text.includes("'net-ping'"))
      throw new Error('net-ping, an optional dependency, is not installed', { cause: err });
    // A single executable (Node SEA) loads no modules from disk.
    if (code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING')
      throw new Error('a single executable carries no native addons', { cause: err });
    throw err;
  }
}

/** The native prober, or the reason it cannot be used. */
export async function openNative(
  shape: EchoShape,
  load: () => Promise<NetPing>,
): Promise<{ native: NativeIcmp } | { reason: string }> {
  try {
    const native = new NativeIcmp(await load(), shape);
    native.selfTest(4);
    return { native };
  } catch (err) {
    return { reason: err instanceof Error ? err.message : String(err) };
  }
}
