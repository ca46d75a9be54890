/**
 * Real keepalived (Debian's) in a lab router namespace, for HA tests. It
 * runs only through `ip netns exec <lab namespace>`, in the foreground
 * (`--dont-fork`), VRRP only, with its config, pid files and notify FIFO in
 * a directory of the test's, so nothing touches the machine's own
 * keepalived (if any) or namespace. stop() and kill() end it by pid; a lab
 * namespace being removed ends whatever is left inside it.
 */
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { assertLabAddress } from './addresses.js';
import { NetlabError } from './errors.js';
import { assertDeviceName, assertLabNamespace } from './names.js';

/** One VRRP instance of a lab router. */
export interface KeepalivedSpec {
  /** The `vrrp_instance` name. */
  readonly instance: string;
  readonly interface: string;
  readonly priority: number;
  /** Seconds between adverts (VRRPv3 allows fractions). */
  readonly advertInt: number;
  /** IPv4 virtual address with prefix, e.g. 192.0.2.1/24 (carried in the adverts). */
  readonly vip4: string;
  /** IPv6 virtual address with prefix (moved with the instance, not advertised). */
  readonly vip6?: string | undefined;
  readonly nopreempt?: boolean | undefined;
  /** A track file and the weight its value is multiplied by (health coupling). */
  readonly trackFile?: { readonly file: string; readonly weight: number } | undefined;
  readonly virtualRouterId?: number | undefined;
}

/** The config text of `spec`, with its notify FIFO at `fifo`. */
export function keepalivedConfig(spec: KeepalivedSpec, fifo: string, routerId: string): string {
  assertDeviceName(spec.interface);
  assertLabAddress(spec.vip4);
  if (spec.vip6) assertLabAddress(spec.vip6);
  const lines = [
    'global_defs {',
    `  router_id ${routerId}`,
    '  vrrp_version 3',
    `  vrrp_notify_fifo ${fifo}`,
    '  script_user root',
    '  enable_script_security',
    '}',
  ];
  if (spec.trackFile)
    lines.push(
      'vrrp_track_file wanwatch_health {',
      `  file ${spec.trackFile.file}`,
      `  weight ${spec.trackFile.weight}`,
      '}',
    );
  lines.push(
    `vrrp_instance ${spec.instance} {`,
    '  state BACKUP',
    `  interface ${spec.interface}`,
    `  virtual_router_id ${spec.virtualRouterId ?? 51}`,
    `  priority ${spec.priority}`,
    `  advert_int ${spec.advertInt}`,
    ...(spec.nopreempt ? ['  nopreempt'] : []),
    `  virtual_ipaddress {\n    ${spec.vip4} dev ${spec.interface}\n  }`,
    ...(spec.vip6 ? [`  virtual_ipaddress_excluded {\n    ${spec.vip6} dev ${spec.interface}\n  }`] : []),
    ...(spec.trackFile ? ['  track_file {\n    wanwatch_health\n  }'] : []),
    '}',
  );
  return `${lines.join('\n')}\n`;
}

/** A keepalived process in a lab namespace. */
export class Keepalived {
  readonly lines: string[] = [];
  private exited = false;

  private constructor(
    readonly ns: string,
    readonly dir: string,
    private readonly child: ResultPromise,
  ) {
    const collect = (chunk: unknown) => this.lines.push(...String(chunk).split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    void child.finally(() => (this.exited = true)).catch(() => undefined);
  }

  /** The notify FIFO the agent reads. */
  get fifo(): string {
    return join(this.dir, 'notify.fifo');
  }

  /** The parent's pid file (`-p`). */
  get pidFile(): string {
    return join(this.dir, 'keepalived.pid');
  }

  get vrrpPidFile(): string {
    return join(this.dir, 'vrrp.pid');
  }

  /** Writes the config for `spec` into `dir` and starts keepalived in `ns`. */
  static async start(ns: string, dir: string, spec: KeepalivedSpec): Promise<Keepalived> {
    assertLabNamespace(ns);
    const fifo = join(dir, 'notify.fifo');
    const conf = join(dir, 'keepalived.conf');
    // A killed keepalived leaves its pid files; keepalived refuses to start while they name a live process.
    for (const f of ['keepalived.pid', 'vrrp.pid']) await rm(join(dir, f), { force: true });
    await writeFile(conf, keepalivedConfig(spec, fifo, ns.slice(-12)));
    const child = execa(
      'ip',
      [
        'netns',
        'exec',
        ns,
        'keepalived',
        '--use-file',
        conf,
        '--pid',
        join(dir, 'keepalived.pid'),
        '--vrrp_pid',
        join(dir, 'vrrp.pid'),
        '--vrrp',
        '--dont-fork',
        '--log-console',
        '--no-syslog',
        '--log-detail',
      ],
      { reject: false, stdin: 'ignore', forceKillAfterDelay: 2000 },
    );
    const k = new Keepalived(ns, dir, child);
    const deadline = Date.now() + 5000;
    while (!k.exited && Date.now() < deadline && k.pid('vrrp') === null) await new Promise((r) => setTimeout(r, 20));
    if (k.pid('vrrp') === null) {
      await k.kill();
      throw new NetlabError('E_COMMAND', `keepalived did not start in ${ns}:\n${k.lines.join('\n')}`);
    }
    return k;
  }

  /** The pid in the parent's or the VRRP child's pid file, when that process lives. */
  pid(which: 'parent' | 'vrrp'): number | null {
    try {
      const pid = Number(readFileSync(which === 'parent' ? this.pidFile : this.vrrpPidFile, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 1) return null;
      // A zombie (killed, not yet reaped) still answers kill(pid, 0).
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return /\) Z /.test(stat) ? null : pid;
    } catch {
      return null;
    }
  }

  /** True until the process has exited. */
  get running(): boolean {
    return !this.exited;
  }

  /** A crash: SIGKILL to the VRRP child and the parent (no priority-0 advert, the VIP stays where it is). */
  async kill(): Promise<void> {
    for (const which of ['vrrp', 'parent'] as const) {
      const pid = this.pid(which);
      if (pid !== null) process.kill(pid, 'SIGKILL');
    }
    this.child.kill('SIGKILL');
    await this.wait(3000);
  }

  /** A clean stop: SIGTERM (keepalived sends a priority-0 advert and releases the VIP). */
  async stop(): Promise<void> {
    if (this.exited) return;
    const pid = this.pid('parent');
    if (pid !== null) process.kill(pid, 'SIGTERM');
    await this.wait(5000);
    if (!this.exited) await this.kill();
  }

  private async wait(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}
