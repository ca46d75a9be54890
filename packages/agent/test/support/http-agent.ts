/** An in-process agent (the Daemon) on the simulated platform with its HTTP API on a free port. */
import { PassThrough } from 'node:stream';
import { Daemon, type StatusResult } from '@wanwatch/agent';
import { TempDir } from './tmp.js';
import { waitFor } from './agent.js';

export const TOKEN = 'test-token-0123456789abcdef';

export interface HttpAgent {
  readonly daemon: Daemon;
  /** The agent's log lines. */
  readonly lines: readonly string[];
  readonly dir: TempDir;
  /** Base URL, ending in `/`. */
  readonly url: string;
  /** fetch relative to the base URL; `token: true` adds the right bearer token. */
  call(path: string, init?: RequestInit & { token?: boolean | string; json?: unknown }): Promise<Response>;
  status(): Promise<StatusResult>;
  stop(): Promise<void>;
}

export function simulatedConfig(dir: TempDir, http: string, extra = '', listen = '127.0.0.1:0'): string {
  return `platform: simulated
state: ${dir.join('state')}
control:
  socket: ${dir.join('run', 'wanwatch.sock')}
  http: { listen: "${listen}", tokenFile: ${dir.join('token')}${http} }
probe: { interval: 100ms, failureInterval: 50ms, recoveryInterval: 50ms }
health: { down: 2, up: 2 }
failback: { delay: 1h }
log: { level: notice, summary: 0s }
${extra}
uplinks:
  - { name: fiber, interface: eth1, targets: [192.0.2.10] }
  - { name: lte, interface: wwan0, targets: [192.0.2.10] }
simulated:
  initialRoute: fiber
  activateDelay: 20ms
  links: { fiber: { rtt: 12ms }, lte: { rtt: 45ms } }
`;
}

/** Starts the daemon; `http` adds keys to `control.http` (`, readToken: true`). */
export async function startHttpAgent(http = '', extra = ''): Promise<HttpAgent> {
  const dir = new TempDir();
  dir.file('token', `${TOKEN}\n`, 0o600);
  const file = dir.file('wanwatch.yaml', simulatedConfig(dir, http, extra));
  const log = new PassThrough();
  const lines: string[] = [];
  log.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const daemon = await Daemon.start(file, { stream: log, tty: false, journald: false });
  const url = daemon.httpUrl!;
  const call: HttpAgent['call'] = (path, init = {}) => {
    const { token, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== undefined && token !== false)
      headers.set('authorization', `Bearer ${token === true ? TOKEN : token}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(new URL(path, url), {
      ...rest,
      headers,
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  };
  const status = async () =>
    ((await (await call('api/v1/status', { token: true })).json()) as { result: StatusResult }).result;
  // Both uplinks measured and up: the engine is settled.
  await waitFor('both uplinks up', async () => {
    const st = await status();
    return st.uplinks.every((u) => u.state === 'up') ? true : undefined;
  });
  return {
    daemon,
    lines,
    dir,
    url,
    call,
    status,
    stop: async () => {
      await daemon.stop();
      dir.remove();
    },
  };
}
