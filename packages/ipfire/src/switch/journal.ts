/**
 * The switch journal under `/var/ipfire/wanwatch/`: before anything is
 * touched, a copy of every file a switch may change goes to `backup/` and
 * `journal.json` says how far the switch got. A switch that fails, and a
 * switch interrupted by a crash (found at the next start), put the copies
 * back, so the primary's settings are never lost:
 *
 * - `prepared`: nothing is changed yet;
 * - `stopped`: RED was being stopped, files may be half switched;
 * - `written`: the new files are in place, RED is being started.
 *
 * The baseline (the user's own `ethernet/settings`) and the record of the
 * active profile live here too.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WanwatchError } from '@wanwatch/core';
import { readText, writeAtomic } from '../files/atomic.js';
import { ReadhashDocument } from '../readhash/document.js';
import type { IpfirePaths } from '../options.js';
import type { RedFiles } from './red-files.js';

/** How far a switch got. */
export type JournalPhase = 'prepared' | 'stopped' | 'written';

/** An interrupted or running switch. */
export interface JournalEntry {
  readonly from: string | null;
  readonly to: string;
  readonly phase: JournalPhase;
  readonly startedAt: number;
  readonly pppLink: number | null;
  /** Which backups exist. */
  readonly has: { readonly ethernet: boolean; readonly pppSettings: boolean; readonly secrets: boolean };
}

/** The record of the active profile. */
export interface ActiveRecord {
  readonly uplink: string;
  readonly redType: string;
  readonly ppp: number | null;
  readonly since: number;
  /** sha256 of the ethernet/settings text wanwatch wrote. */
  readonly ethernetSha256: string;
  /** That text was the user's baseline unchanged. */
  readonly onBaseline: boolean;
}

/** The journal, backups, baseline and record. */
export class Journal {
  private readonly journalFile: string;
  private readonly backupDir: string;
  private readonly baselineFile: string;

  constructor(private readonly paths: IpfirePaths) {
    this.journalFile = join(paths.stateDir, 'journal.json');
    this.backupDir = join(paths.stateDir, 'backup');
    this.baselineFile = join(paths.stateDir, 'baseline-ethernet-settings');
  }

  private backup(name: 'ethernet' | 'ppp-settings' | 'secrets'): string {
    return join(this.backupDir, name);
  }

  /** Copies the files away and opens the journal at `prepared`. */
  async begin(from: string | null, to: string, files: RedFiles): Promise<JournalEntry> {
    await mkdir(this.backupDir, { recursive: true, mode: 0o700 });
    if (files.ethernet !== null) await writeAtomic(this.backup('ethernet'), files.ethernet, { mode: 0o600 });
    if (files.pppSettings !== null) await writeAtomic(this.backup('ppp-settings'), files.pppSettings, { mode: 0o600 });
    if (files.secrets !== null) await writeAtomic(this.backup('secrets'), files.secrets, { mode: 0o600 });
    const entry: JournalEntry = {
      from,
      to,
      phase: 'prepared',
      startedAt: Date.now(),
      pppLink: files.pppLink,
      has: {
        ethernet: files.ethernet !== null,
        pppSettings: files.pppSettings !== null,
        secrets: files.secrets !== null,
      },
    };
    await this.save(entry);
    return entry;
  }

  /** Moves the journal to `phase`. */
  async advance(entry: JournalEntry, phase: JournalPhase): Promise<JournalEntry> {
    const next = { ...entry, phase };
    await this.save(next);
    return next;
  }

  private async save(entry: JournalEntry): Promise<void> {
    await writeAtomic(this.journalFile, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  /** The open journal, if a switch is running or was interrupted. */
  async open(): Promise<JournalEntry | null> {
    const text = await readText(this.journalFile);
    if (text === null) return null;
    try {
      return JSON.parse(text) as JournalEntry;
    } catch (err) {
      throw new WanwatchError(
        'E_STATE_CORRUPT',
        `${this.journalFile} cannot be read; the backups in ${this.backupDir} are kept`,
        {
          file: this.journalFile,
          cause: err,
        },
      );
    }
  }

  /** The files as they were when the switch began. */
  async saved(entry: JournalEntry): Promise<RedFiles> {
    return {
      ethernet: entry.has.ethernet ? await readText(this.backup('ethernet')) : null,
      pppLink: entry.pppLink,
      pppSettings: entry.has.pppSettings ? await readText(this.backup('ppp-settings')) : null,
      secrets: entry.has.secrets ? await readText(this.backup('secrets')) : null,
    };
  }

  /** Closes the journal (the switch is over, done or undone). */
  async close(): Promise<void> {
    await rm(this.journalFile, { force: true });
  }

  async baseline(): Promise<string | null> {
    return readText(this.baselineFile);
  }

  async setBaseline(text: string): Promise<void> {
    await mkdir(this.paths.stateDir, { recursive: true, mode: 0o700 });
    await writeAtomic(this.baselineFile, text, { mode: 0o600 });
  }

  /** The active profile as last recorded. */
  async record(): Promise<ActiveRecord | null> {
    const text = await readText(this.paths.activeRecord);
    if (text === null) return null;
    const doc = ReadhashDocument.parse(text);
    const uplink = doc.get('UPLINK');
    if (!uplink) return null;
    const ppp = Number(doc.get('PPP_PROFILE') ?? '');
    return {
      uplink,
      redType: doc.get('RED_TYPE') ?? '',
      ppp: Number.isInteger(ppp) && ppp > 0 ? ppp : null,
      since: Number(doc.get('SINCE') ?? 0),
      ethernetSha256: doc.get('ETHERNET_SHA256') ?? '',
      onBaseline: doc.get('ON_BASELINE') === 'yes',
    };
  }

  /** Records the active profile (readhash format, so IPFire scripts can `eval $(readhash …)` it). */
  async setRecord(record: ActiveRecord): Promise<void> {
    await mkdir(this.paths.stateDir, { recursive: true, mode: 0o700 });
    const doc = ReadhashDocument.from([
      ['UPLINK', record.uplink],
      ['RED_TYPE', record.redType],
      ['PPP_PROFILE', record.ppp === null ? '' : String(record.ppp)],
      ['SINCE', String(record.since)],
      ['ETHERNET_SHA256', record.ethernetSha256],
      ['ON_BASELINE', record.onBaseline ? 'yes' : 'no'],
    ]);
    await writeAtomic(this.paths.activeRecord, doc.toString(), { mode: 0o644 });
    await writeAtomic(this.paths.currentProfile, `${record.uplink}\n`, { mode: 0o644 });
  }
}
