/**
 * The IPFire adapter. IPFire has one RED; an uplink is an IPFire profile,
 * and making it active is IPFire's own order (the stop path reads the
 * config at stop time): `network stop red` → files → `network start red` →
 * wait for `red/active`, `red/iface` and `red/local-ipaddress`. The red.up
 * hooks (firewall, DNS forwarders, VPNs…) run inside the start, as IPFire
 * runs them.
 *
 * Only the active uplink can be probed (dark standby): failback is the
 * engine's timed trial. A switch that fails puts the files back and starts
 * RED again on the previous profile; a switch interrupted by a crash is
 * undone at the next start (see switch/journal.ts).
 */
import {
  SerialQueue,
  WanwatchError,
  describeError,
  type ActivateContext,
  type Adapter,
  type Uplink,
} from '@wanwatch/core';
import { linkAtomic, readText, removeStaleTemps, sameFile, writeAtomic } from './files/atomic.js';
import { RedControl } from './red/network.js';
import { ReadhashDocument } from './readhash/document.js';
import { resolveOptions, type IpfireAdapterOptions, type ManagedProfile, type ResolvedOptions } from './options.js';
import { Journal, type ActiveRecord } from './switch/journal.js';
import { applyRed, filesMatch, planRed, readRedFiles, restoreRed, sha256, type RedFiles } from './switch/red-files.js';
import { Syslog } from './syslog.js';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Switches IPFire's RED between profiles.
 *
 * @example
 * ```ts
 * const adapter = new IpfireAdapter(uplinks, {
 *   profiles: { fiber: { ppp: 1 }, cable: { redType: 'DHCP', ethernet: { RED_DEV: 'red1' } } },
 * });
 * const engine = new Engine({ uplinks, adapter, probe });
 * ```
 */
export class IpfireAdapter implements Adapter {
  readonly capabilities = { standbyProbing: false } as const;
  /** Options with defaults, and the profiles. */
  readonly options: ResolvedOptions;
  private readonly journal: Journal;
  private readonly red: RedControl;
  private readonly syslog: Syslog | null;
  private readonly queue = new SerialQueue();
  private prepared: Promise<void> | null = null;

  constructor(
    uplinks: readonly Uplink[],
    private readonly input: IpfireAdapterOptions,
  ) {
    this.options = resolveOptions(uplinks, input);
    this.journal = new Journal(this.options.paths);
    this.red = new RedControl(this.options.paths, this.options, (m) => input.logger?.debug?.(m));
    const tag = this.options.syslogTag;
    this.syslog = tag === null ? null : new Syslog(this.options.loggerCommand, tag, (m) => this.warn(m));
  }

  private warn(message: string): void {
    this.input.logger?.warn(message);
  }

  private notice(message: string, priority: 'daemon.notice' | 'daemon.warning' = 'daemon.notice'): Promise<void> {
    if (priority === 'daemon.notice') this.input.logger?.info?.(message);
    else this.warn(message);
    return this.syslog?.log(message, priority) ?? Promise.resolve();
  }

  private profile(id: string): ManagedProfile {
    const p = this.options.profiles.find((x) => x.id === id);
    if (!p) throw new WanwatchError('E_UNKNOWN_UPLINK', `no IPFire profile for uplink ${id}`, { uplink: id });
    return p;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run(work);
  }

  /** Once per adapter: undo an interrupted switch, then make connectd only re-dial. */
  prepare(): Promise<void> {
    this.prepared ??= this.serial(async () => {
      await this.recover();
      await this.coexist();
    });
    return this.prepared;
  }

  /** Undoes a switch a crash interrupted: RED down (it may run half-switched), the files put back. */
  private async recover(): Promise<void> {
    const { paths } = this.options;
    for (const dir of [
      dirname(paths.ethernetSettings),
      paths.pppDir,
      paths.redDir,
      paths.stateDir,
      join(paths.stateDir, 'backup'),
    ])
      await removeStaleTemps(dir);
    const entry = await this.journal.open();
    if (!entry) return;
    if (entry.phase !== 'prepared') {
      await this.red.stop(undefined, entry.to).catch((err: unknown) => this.warn(describeError(err)));
    }
    await restoreRed(this.options.paths, await this.journal.saved(entry));
    await this.journal.close();
    await this.notice(
      `an interrupted switch ${entry.from ?? '(none)'} → ${entry.to} (${entry.phase}) was undone: RED's files are back as before it` +
        (entry.phase === 'prepared' ? '' : '; RED was stopped and comes up when an uplink is activated'),
      'daemon.warning',
    );
  }

  /**
   * connectd's own backup (BACKUPPROFILE ≠ the profile) would `cp` another
   * profile over ppp/settings behind wanwatch's back. With `redial` every
   * managed PPP profile names itself, so connectd only re-dials it.
   */
  private async coexist(): Promise<void> {
    const { paths } = this.options;
    for (const p of this.options.profiles) {
      if (p.ppp === null) continue;
      const file = paths.profile(p.ppp);
      const text = await readText(file);
      if (!text) continue;
      const doc = ReadhashDocument.parse(text, file);
      const backup = doc.get('BACKUPPROFILE');
      if (backup === undefined || backup === '' || backup === String(p.ppp)) continue;
      if (this.options.connectd === 'leave') {
        this.warn(`${file}: BACKUPPROFILE=${backup}: connectd may switch to profile ${backup} on its own`);
        continue;
      }
      const saved = join(paths.stateDir, 'backup', `settings-${p.ppp}.before-wanwatch`);
      await mkdir(join(paths.stateDir, 'backup'), { recursive: true, mode: 0o700 });
      if ((await readText(saved)) === null) await writeAtomic(saved, text, { mode: 0o600 });
      const linked = await sameFile(paths.pppSettings, file);
      await writeAtomic(file, doc.set('BACKUPPROFILE', String(p.ppp)).toString());
      if (linked) await linkAtomic(file, paths.pppSettings);
      await this.notice(
        `${file}: BACKUPPROFILE ${backup} → ${p.ppp} so that connectd re-dials profile ${p.ppp} and wanwatch alone switches profiles (original in ${saved})`,
      );
    }
  }

  async discover(_uplinks: readonly Uplink[]): Promise<string | null> {
    await this.prepare();
    return this.serial(async () => {
      const st = await this.red.state();
      if (!st.active) return null;
      const files = await readRedFiles(this.options.paths);
      const record = await this.journal.record();
      const order = [...this.options.profiles].sort(
        (a, b) => Number(b.id === record?.uplink) - Number(a.id === record?.uplink),
      );
      for (const p of order) {
        if (p.iface !== st.iface || !(await filesMatch(this.options.paths, files, p))) continue;
        // Both records (wanwatch's and red/current-profile) follow the files; a crash may have left one behind.
        const named = await readText(this.options.paths.currentProfile);
        if (record?.uplink !== p.id || named !== `${p.id}\n`) {
          const text = files.ethernet ?? '';
          await this.recordActive(p, text, text === (await this.journal.baseline()));
        }
        return p.id;
      }
      this.warn(`RED is up on ${st.iface ?? '?'} with a profile no uplink describes; wanwatch will switch it`);
      return null;
    });
  }

  async prepareProbing(): Promise<void> {
    // Dark standby: only the active uplink is probed, through RED itself.
  }

  async activate(uplink: Uplink, context: ActivateContext): Promise<void> {
    await this.prepare();
    return this.serial(() => this.switchTo(this.profile(uplink.id), context));
  }

  /** The baseline `ethernet/settings`: the user's own file, without a backup's RED keys. */
  private async baselineFor(files: RedFiles, record: ActiveRecord | null): Promise<string> {
    const current = files.ethernet ?? '';
    const old = await this.journal.baseline();
    if (old === null) return current;
    if (record && sha256(current) === record.ethernetSha256) return old; // as wanwatch left it
    if (!record || record.onBaseline) return current; // the user edited their own config
    // Edited while a backup was active: keep the edits, not the backup's keys.
    const doc = ReadhashDocument.parse(current, this.options.paths.ethernetSettings);
    const base = ReadhashDocument.parse(old);
    for (const k of this.options.ownedKeys) {
      const v = base.get(k);
      if (v === undefined) doc.delete(k);
      else doc.set(k, v);
    }
    return doc.toString();
  }

  private async switchTo(target: ManagedProfile, ctx: ActivateContext): Promise<void> {
    const { paths } = this.options;
    const id = target.id;
    const files = await readRedFiles(paths);
    const before = await this.red.state();
    const record = await this.journal.record();
    if (before.active && before.iface === target.iface && (await filesMatch(paths, files, target))) {
      if (record?.uplink !== id) await this.recordActive(target, files.ethernet ?? '', false);
      return;
    }
    const baseline = await this.baselineFor(files, record);
    const plan = await planRed(paths, baseline, target); // refuses before anything is touched
    if (baseline !== (await this.journal.baseline())) await this.journal.setBaseline(baseline);
    const from = ctx.previous?.id ?? record?.uplink ?? null;
    const entry = await this.journal.begin(from, id, files);
    const started = Date.now();
    try {
      await this.journal.advance(entry, 'stopped');
      await this.red.stop(ctx.signal, id);
      await applyRed(paths, plan);
      await this.journal.advance(entry, 'written');
      await this.red.start(ctx.signal, id);
      await this.red.waitUp(target.iface, ctx.signal, id);
    } catch (err) {
      await this.undo(files, from, before.active, id);
      await this.notice(`switch to ${id} failed, files restored: ${describeError(err)}`, 'daemon.warning');
      throw err instanceof WanwatchError
        ? err
        : new WanwatchError('E_ACTIVATE_FAILED', `switching RED to ${id}: ${describeError(err)}`, {
            uplink: id,
            cause: err,
          });
    }
    // Journal closed first: a crash in between leaves a stale record, which discover() corrects from the files.
    await this.journal.close();
    await this.recordActive(target, plan.ethernet, plan.ethernet === baseline);
    const how = target.ppp === null ? `RED_TYPE=${target.redType}` : `PPP profile ${target.ppp}`;
    await this.notice(
      `RED switched to ${id} (${how}, ${target.iface}) in ${Date.now() - started} ms (${ctx.reason}${from ? `, was ${from}` : ''})`,
    );
  }

  private async recordActive(target: ManagedProfile, ethernet: string, onBaseline: boolean): Promise<void> {
    await this.journal.setRecord({
      uplink: target.id,
      redType: target.redType,
      ppp: target.ppp,
      since: Date.now(),
      ethernetSha256: sha256(ethernet),
      onBaseline,
    });
  }

  /** After a failed switch: RED down, the files back, the journal closed; RED restarted on them in the background. */
  private async undo(files: RedFiles, from: string | null, wasUp: boolean, to: string): Promise<void> {
    await this.red.stop(undefined, to).catch((err: unknown) => this.warn(describeError(err)));
    await restoreRed(this.options.paths, files);
    await this.journal.close();
    if (!wasUp) return;
    // Queued behind this switch, so the engine's next activation waits for it rather than racing it.
    void this.serial(async () => {
      await this.red.start(undefined, from ?? undefined);
    }).catch((err: unknown) => this.warn(`restarting RED on ${from ?? 'the previous profile'}: ${describeError(err)}`));
  }

  async close(): Promise<void> {
    // Nothing to release; a RED restart queued after a failed switch finishes on its own.
  }
}

/** Builds an {@link IpfireAdapter}. */
export function createIpfireAdapter(uplinks: readonly Uplink[], options: IpfireAdapterOptions): IpfireAdapter {
  return new IpfireAdapter(uplinks, options);
}
