/**
 * Checks that the lab can run here, with errors that say what to do: run as
 * root, install iproute2 / nftables (`.ci/run` installs them on CI).
 */
import { NetlabError } from './errors.js';
import { run } from './exec.js';

const TOOLS: readonly { file: string; args: string[]; pkg: string }[] = [
  { file: 'ip', args: ['-V'], pkg: 'iproute2' },
  { file: 'nft', args: ['--version'], pkg: 'nftables' },
  { file: 'sysctl', args: ['--version'], pkg: 'procps' },
];

let checked: Promise<void> | null = null;

/** Resolves when the lab can run; throws `E_NOT_ROOT` or `E_MISSING_TOOL` otherwise. Checked once per process. */
export function preflight(): Promise<void> {
  checked ??= checkEnvironment().catch((err: unknown) => {
    checked = null;
    throw err;
  });
  return checked;
}

/** The check itself, uncached. */
export async function checkEnvironment(): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new NetlabError(
      'E_NOT_ROOT',
      'the network lab needs root (network namespaces, raw sockets): run the tests as root',
    );
  }
  const missing: string[] = [];
  for (const tool of TOOLS) {
    try {
      await run(tool.file, tool.args, { timeoutMs: 5000 });
    } catch {
      missing.push(`${tool.file} (Debian package ${tool.pkg})`);
    }
  }
  if (missing.length > 0) {
    throw new NetlabError(
      'E_MISSING_TOOL',
      `the network lab needs ${missing.join(', ')}: apt-get install -y ${TOOLS.filter((t) =>
        missing.some((m) => m.startsWith(t.file + ' ')),
      )
        .map((t) => t.pkg)
        .join(' ')}`,
    );
  }
}
