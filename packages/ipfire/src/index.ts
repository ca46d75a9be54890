/**
 * @wanwatch/ipfire — wanwatch's adapter for IPFire 2.x: the single RED
 * switched between IPFire profiles (PPP-family `ppp/settings-N`, or a
 * `RED_TYPE` change to DHCP/STATIC/QMI) through IPFire's own
 * `/etc/rc.d/init.d/network`, with readhash files read and written the way
 * all four of IPFire's parsers agree on, backups and a journal so that a
 * crash or a failed switch never loses the primary's settings.
 *
 * @example
 * ```ts
 * import { ReadhashDocument } from '@wanwatch/ipfire';
 *
 * const doc = ReadhashDocument.parse(text, '/var/ipfire/ethernet/settings');
 * doc.set('RED_TYPE', 'DHCP');
 * ```
 */
export {
  ReadhashDocument,
  ReadhashError,
  WRITABLE_KEY,
  formatAssignment,
  unsafeValueReason,
  type ReadersView,
} from './readhash/document.js';
export {
  C_LINE_MAX,
  READERS,
  SAFE_QUOTED,
  SAFE_VALUE,
  readC,
  readFunctions,
  readPerl,
  readShell,
  readWith,
  type ReaderName,
  type ReaderResult,
} from './readhash/readers.js';
export {
  fileMeta,
  linkAtomic,
  readText,
  sameFile,
  writeAtomic,
  type FileMeta,
  type WriteOptions,
} from './files/atomic.js';
export { IpfireAdapter, createIpfireAdapter } from './adapter.js';
export {
  IPFIRE_DEFAULTS,
  IPFIRE_LIMITS,
  ipfirePaths,
  resolveOptions,
  type ConnectdPolicy,
  type IpfireAdapterLogger,
  type IpfireAdapterOptions,
  type IpfirePaths,
  type IpfireProfile,
  type ManagedProfile,
  type ResolvedOptions,
} from './options.js';
export { RedControl, NetworkScriptError, type RedState, type RedTimings } from './red/network.js';
export { SECRETS_MODE, secretsFor } from './files/secrets.js';
export { Journal, type ActiveRecord, type JournalEntry, type JournalPhase } from './switch/journal.js';
export { readRedFiles, type RedFiles } from './switch/red-files.js';
export { Syslog } from './syslog.js';
