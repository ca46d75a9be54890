/**
 * `/var/ipfire/ppp/secrets` (linked from /etc/ppp/pap-secrets and
 * chap-secrets): exactly one line `'USERNAME' * 'PASSWORD'` and a newline,
 * mode 0600, as pppsetup.cgi writes it. The credentials are always those of
 * the profile being switched to, read as the web interface reads them (the
 * Perl reader, which sees a `!` or `$` in a password that the shell reader
 * drops: connectd's bug is to fall back to the previous profile's values).
 */
import { ReadhashDocument, ReadhashError } from '../readhash/document.js';

/** Mode of the secrets file. */
export const SECRETS_MODE = 0o600;

/**
 * The secrets line for a PPP profile's text. Throws a {@link ReadhashError}
 * naming the profile file, line and key when a credential cannot be put in
 * IPFire's format (a `'` or a line break: nothing is escaped there).
 *
 * @example
 * ```ts
 * secretsFor("USERNAME=joe@isp\nPASSWORD=pa!ss\n", '/var/ipfire/ppp/settings-1'); // "'joe@isp' * 'pa!ss'\n"
 * ```
 */
export function secretsFor(profileText: string, file: string): string {
  const doc = ReadhashDocument.parse(profileText, file);
  const field = (key: 'USERNAME' | 'PASSWORD') => {
    const value = doc.get(key) ?? '';
    if (/['\r\n]/.test(value))
      throw new ReadhashError(
        file,
        doc.lineOf(key),
        key,
        "contains a ' or a line break, which IPFire's ppp/secrets format cannot hold (nothing is escaped there)",
      );
    return value;
  };
  return `'${field('USERNAME')}' * '${field('PASSWORD')}'\n`;
}
