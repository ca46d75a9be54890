/**
 * The config file's schema: the one place each key is declared, with its
 * type, unit, range, default and the field it feeds (see schema-kit.ts).
 *
 * Engine keys take their defaults from core's `DEFAULT_SETTINGS` and their
 * ranges from core's `SETTINGS_LIMITS`; the ICMP keys from
 * `@wanwatch/probes`; each platform's section is declared by its platform
 * module (platform/*.ts) with its adapter's defaults and limits. Keys only
 * the agent has (socket, state directory, logging, HTTP, webhooks) are
 * declared here with their defaults ({@link AGENT_DEFAULTS}) and ranges.
 * Every key carries a `description`; the README's reference follows them.
 *
 * What a schema cannot check (targets, uplink names, hook files, token
 * files, the relations between keys) is checked in load.ts, the platform
 * modules and core.
 */
import {
  DEFAULT_HISTORY_ROTATION,
  DEFAULT_SETTINGS,
  SETTINGS_LIMITS,
  durationLimit,
  integerLimit,
  type HealthSettings,
  type Limit,
  type ProbeSettings,
} from '@wanwatch/core';
import { DEFAULT_PAYLOAD_BYTES, DEFAULT_TTL, ICMP_LIMITS } from '@wanwatch/probes';
import { AGENT_EVENT_TYPES } from '../events/hub.js';
import { HTTP_DEFAULTS } from '../http/settings.js';
import { WEBHOOK_DEFAULTS } from '../notify/webhooks.js';
import { PLATFORMS, type PlatformName } from '../platform/platform.js';
import { PLATFORM_MODULES } from '../platform/modules.js';
import {
  address,
  boolean,
  duration,
  iface,
  integer,
  list,
  number,
  oneOf,
  path,
  percent,
  section,
  text,
  timeout,
  type Schema,
} from './schema-kit.js';

export { PLATFORMS, type PlatformName };

/** Log levels. There is no level that hides warnings, state changes or switches (they log at `notice` or above). */
export const LOG_LEVELS = ['notice', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Defaults of everything the engine and the platforms do not own. */
export const AGENT_DEFAULTS = Object.freeze({
  platform: 'linux',
  /** The config file `wanwatch run` and the control commands read when `-c` is not given. */
  configFile: '/etc/wanwatch/wanwatch.yaml',
  socket: '/run/wanwatch.sock',
  stateDir: '/var/lib/wanwatch',
  log: Object.freeze({ level: 'info', format: 'text', file: null, summaryMs: 60_000 }),
  icmp: Object.freeze({ backend: 'auto' as const, payloadBytes: DEFAULT_PAYLOAD_BYTES, ttl: DEFAULT_TTL }),
  /** Uplinks without `probes` are probed by ICMP. */
  probes: Object.freeze(['icmp']),
  gateway: 'auto',
  /** Uplinks without `priority` get their position in the list × this (10, 20, 30…). */
  priorityStep: 10,
});

/** Ranges of the keys only the agent has. */
export const AGENT_LIMITS = Object.freeze({
  /** A summary at most once a day; 0 = none. */
  logSummaryMs: durationLimit(0, 86_400_000),
  historyBytes: integerLimit(4096),
  historyFiles: integerLimit(0, 100),
  changesPerMinute: integerLimit(1, 600),
  maxBodyBytes: integerLimit(256, 1024 * 1024),
  webhookTimeoutMs: durationLimit(1, 600_000),
});

const P = SETTINGS_LIMITS.probe;
const H = SETTINGS_LIMITS.health;

/** `probe:` keys. `d` null: the per-uplink variant (no defaults: unset keys inherit). */
function probeSection(d: ProbeSettings | null): Schema {
  const properties: Record<string, Schema> = {
    interval: duration('round interval while the state is settled', {
      default: d?.intervalMs,
      limit: P.intervalMs,
      field: 'intervalMs',
    }),
    failureInterval: duration('round interval while an up uplink is failing rounds', {
      default: d?.failureIntervalMs,
      limit: P.failureIntervalMs,
      field: 'failureIntervalMs',
    }),
    recoveryInterval: duration('round interval while a down uplink is passing rounds', {
      default: d?.recoveryIntervalMs,
      limit: P.recoveryIntervalMs,
      field: 'recoveryIntervalMs',
    }),
    timeout: timeout('per-probe timeout, or auto: smoothed RTT + 4 × its variation, within minTimeout…maxTimeout', {
      default: d?.timeoutMs,
      limit: P.timeoutMs,
      field: 'timeoutMs',
    }),
    minTimeout: duration('lower bound of the automatic timeout', {
      default: d?.minTimeoutMs,
      limit: P.minTimeoutMs,
      field: 'minTimeoutMs',
    }),
    maxTimeout: duration('upper bound of the automatic timeout, and its value before any answer', {
      default: d?.maxTimeoutMs,
      limit: P.maxTimeoutMs,
      field: 'maxTimeoutMs',
    }),
    reliability: integer('targets that must answer for a round to pass', {
      default: d?.reliability,
      limit: P.reliability,
    }),
    spread: percent('random spread of each interval (± this), so uplinks do not probe in lockstep', {
      default: d?.spreadPct,
      limit: P.spreadPct,
      field: 'spreadPct',
    }),
  };
  if (d) {
    const i = AGENT_DEFAULTS.icmp;
    properties.icmp = section(
      {
        backend: oneOf(['auto', 'native', 'system'], 'auto: raw sockets, falling back to the system ping', {
          default: i.backend,
        }),
        payloadBytes: integer('ICMP payload bytes (4…1472); never 0, some ISPs drop empty echoes', {
          default: i.payloadBytes,
          limit: ICMP_LIMITS.payloadBytes,
        }),
        ttl: integer('IPv4 TTL / IPv6 hop limit (1…255)', { default: i.ttl, limit: ICMP_LIMITS.ttl }),
      },
      'ICMP probe options (global only)',
    );
  }
  return section(properties, d ? 'defaults for every uplink' : 'overrides of the global probe keys', {
    defaults: d !== null,
  });
}

function threshold(
  kind: 'percent' | 'duration',
  what: string,
  d: { fail: number; recover: number } | null,
  limit: Limit,
  field: string,
): Schema {
  const make = kind === 'percent' ? percent : duration;
  return section(
    {
      fail: make(`${what} beyond which an uplink is failing`, { default: d?.fail, limit }),
      recover: make(`${what} at or below which an uplink is good again (≤ fail)`, { default: d?.recover, limit }),
    },
    `${what} thresholds`,
    { defaults: d !== null, field },
  );
}

/** `health:` keys. `d` null: the per-uplink variant. */
function healthSection(d: HealthSettings | null): Schema {
  return section(
    {
      down: integer('consecutive bad rounds → down', { default: d?.down, limit: H.down }),
      up: integer('consecutive good rounds → up', { default: d?.up, limit: H.up }),
      window: integer('samples per target that loss, RTT and jitter are computed over', {
        default: d?.window,
        limit: H.window,
      }),
      loss: threshold('percent', 'loss over the window', d?.lossPct ?? null, H.lossPct, 'lossPct'),
      latency: threshold('duration', 'mean RTT over the window', d?.latencyMs ?? null, H.latencyMs, 'latencyMs'),
      jitter: threshold(
        'duration',
        'RTT standard deviation over the window',
        d?.jitterMs ?? null,
        H.jitterMs,
        'jitterMs',
      ),
      initialState: oneOf(
        ['unknown', 'down'],
        'state at start-up; unknown keeps an uplink found active until it proves down',
        { default: d?.initialState },
      ),
    },
    d ? 'how probe results become uplink states' : 'overrides of the global health keys',
    { defaults: d !== null },
  );
}

const uplinkSchema: Schema = section(
  {
    name: text('unique name: 1-32 characters of a-z, 0-9, _ and -', { field: 'id' }),
    priority: integer('lower = preferred; default: position in the list × 10', {
      limit: SETTINGS_LIMITS.uplink.priority,
    }),
    interface: iface('the device that carries the uplink (eth1, ppp0, wwan0…)'),
    gateway: address(4, 'IPv4 next hop, or auto (the adapter finds it)', {
      auto: true,
      default: AGENT_DEFAULTS.gateway,
    }),
    gateway6: address(6, 'IPv6 next hop (often fe80::1), or auto', { auto: true }),
    targets: list({ type: 'string' }, 'addresses, gateway, gateway6, or full targets (tcp:…, dns:…, http(s)://…)', {
      minItems: 1,
    }),
    probes: list(
      { type: 'string' },
      'how each bare target is probed: icmp, tcp:<port>, dns:<name>[:A|AAAA], http[s][:<port>][/<path>]',
      { minItems: 1, default: AGENT_DEFAULTS.probes },
    ),
    probe: probeSection(null),
    health: healthSection(null),
  },
  'one uplink',
  { defaults: false, required: ['name', 'interface', 'targets'] },
);

const d = DEFAULT_SETTINGS;
const F = SETTINGS_LIMITS.failback;
const DP = SETTINGS_LIMITS.dampening;
const S = SETTINGS_LIMITS.switch;
const l = AGENT_DEFAULTS.log;
const A = AGENT_LIMITS;

/** The platform modules' sections, in their order. */
const platformSections: Record<string, Schema> = Object.fromEntries(
  PLATFORM_MODULES.flatMap((m): [string, Schema][] => Object.entries(m.schema)),
);

/** The JSON Schema of the config file (with the defaults that fill it). */
export const CONFIG_SCHEMA: Schema = {
  ...section(
    {
      platform: oneOf(PLATFORMS, 'where the agent runs', { default: AGENT_DEFAULTS.platform }),
      probe: probeSection(d.probe),
      health: healthSection(d.health),
      failback: section(
        {
          mode: oneOf(['auto', 'manual', 'disabled'], 'auto, manual (operator only) or disabled', {
            default: d.failback.mode,
          }),
          delay: duration('continuous health of the preferred uplink before failing back', {
            default: d.failback.delayMs,
            limit: F.delayMs,
            field: 'delayMs',
          }),
          window: text('daily local-time window HH:MM-HH:MM for failback; null = any time', {
            nullable: true,
            default: d.failback.window,
          }),
          timeZone: text('IANA time zone of window; null = the system zone', {
            nullable: true,
            default: d.failback.timeZone,
          }),
          minDwell: duration('minimum time on an uplink before a voluntary switch', {
            default: d.failback.minDwellMs,
            limit: F.minDwellMs,
            field: 'minDwellMs',
          }),
          trialWindow: duration('time a trial switch has to prove the uplink up', {
            default: d.failback.trialWindowMs,
            limit: F.trialWindowMs,
            field: 'trialWindowMs',
          }),
          maxBackoff: duration('cap of the back-off between failed switches or trials', {
            default: d.failback.maxBackoffMs,
            limit: F.maxBackoffMs,
            field: 'maxBackoffMs',
          }),
        },
        'when to return to a preferred uplink',
      ),
      dampening: section(
        {
          enabled: boolean('flap dampening (RFC 2439)', { default: d.dampening.enabled }),
          penalty: number('added per transition to down', { default: d.dampening.penalty, limit: DP.penalty }),
          halfLife: duration('time for the penalty to halve', {
            default: d.dampening.halfLifeMs,
            limit: DP.halfLifeMs,
            field: 'halfLifeMs',
          }),
          suppress: number('above this the uplink is not chosen', {
            default: d.dampening.suppress,
            limit: DP.suppress,
          }),
          reuse: number('…until the penalty decays below this', { default: d.dampening.reuse, limit: DP.reuse }),
          maxSuppress: duration('longest suppression (at least halfLife)', {
            default: d.dampening.maxSuppressMs,
            limit: DP.maxSuppressMs,
            field: 'maxSuppressMs',
          }),
        },
        'flap dampening',
      ),
      switch: section(
        {
          activateTimeout: duration('time limit of the adapter making an uplink active', {
            default: d.switch.activateTimeoutMs,
            limit: S.activateTimeoutMs,
            field: 'activateTimeoutMs',
          }),
          verifyTimeout: duration('time for the new path to pass a probe round', {
            default: d.switch.verifyTimeoutMs,
            limit: S.verifyTimeoutMs,
            field: 'verifyTimeoutMs',
          }),
          retryDelay: duration('first back-off after a failed switch (doubles per failure)', {
            default: d.switch.retryDelayMs,
            limit: S.retryDelayMs,
            field: 'retryDelayMs',
          }),
          startupGrace: duration('at start without an active uplink, wait this long for better ones', {
            default: d.switch.startupGraceMs,
            limit: S.startupGraceMs,
            field: 'startupGraceMs',
          }),
        },
        'time limits of a switch',
      ),
      hooks: section(
        {
          pre: path('executable run before each switch (absolute path); null = none', {
            nullable: true,
            default: null,
          }),
          post: path('executable run after each switch (absolute path); null = none', {
            nullable: true,
            default: null,
          }),
          timeout: duration('time limit of each hook run; its process group is killed then', {
            default: d.switch.hookTimeoutMs,
            limit: S.hookTimeoutMs,
            field: 'hookTimeoutMs',
          }),
        },
        'operator scripts around switches',
      ),
      control: section(
        {
          socket: path('the control socket (mode 0600)', { default: AGENT_DEFAULTS.socket }),
          http: section(
            {
              listen: text('address:port of the HTTP API and status page', { default: HTTP_DEFAULTS.listen }),
              tokenFile: path('file with the bearer token (root-only, mode 0600)', {
                default: HTTP_DEFAULTS.tokenFile,
              }),
              readToken: boolean('reads (status, history, events, metrics) need the token too', {
                default: HTTP_DEFAULTS.readToken,
              }),
              changesPerMinute: integer('changes accepted per minute (1…600)', {
                default: HTTP_DEFAULTS.changesPerMinute,
                limit: A.changesPerMinute,
              }),
              maxBody: integer('largest request body in bytes (256…1048576)', {
                default: HTTP_DEFAULTS.maxBodyBytes,
                limit: A.maxBodyBytes,
                field: 'maxBodyBytes',
              }),
              allowedHosts: list(
                { type: 'string' },
                'host names the page is reached by, besides IP addresses and localhost (DNS-rebinding guard)',
                { default: [] },
              ),
            },
            'the HTTP API, /metrics and the status page; absent = off',
            { defaults: false },
          ),
        },
        'the control socket and the HTTP API',
      ),
      state: path('directory of state.json and history.jsonl', { default: AGENT_DEFAULTS.stateDir }),
      history: section(
        {
          maxBytes: integer('size (bytes) at which history.jsonl is rotated to history.jsonl.1', {
            default: DEFAULT_HISTORY_ROTATION.maxBytes,
            limit: A.historyBytes,
          }),
          files: integer('rotated history files kept besides the live one (0…100)', {
            default: DEFAULT_HISTORY_ROTATION.files,
            limit: A.historyFiles,
          }),
        },
        'the history kept on disk (JSON lines, rotated by size; the CLI and the HTTP API read the same files)',
      ),
      log: section(
        {
          level: oneOf(LOG_LEVELS, 'notice, info or debug; warnings, state changes and switches always show', {
            default: l.level,
          }),
          format: oneOf(['text', 'json'], 'text lines, or one JSON object per line', { default: l.format }),
          file: path('also append to this file; null = console only', { nullable: true, default: l.file }),
          summary: duration('period of the per-uplink probe summary (at most 1d); 0s = none', {
            default: l.summaryMs,
            limit: A.logSummaryMs,
            field: 'summaryMs',
          }),
        },
        'logging',
      ),
      ...platformSections,
      webhooks: list(
        section(
          {
            url: text('http:// or https:// URL the events are POSTed to'),
            secretFile: path('file with the HMAC-SHA256 key (root-only, mode 0600)'),
            events: list(
              { type: 'string', enum: [...AGENT_EVENT_TYPES] },
              `events to send: ${AGENT_EVENT_TYPES.join(', ')}`,
              { default: WEBHOOK_DEFAULTS.events },
            ),
            timeout: duration('time limit of one delivery attempt', {
              default: WEBHOOK_DEFAULTS.timeoutMs,
              limit: A.webhookTimeoutMs,
              field: 'timeoutMs',
            }),
          },
          'one webhook',
          { defaults: false, required: ['url', 'secretFile'] },
        ),
        'JSON POSTs of events, HMAC-signed, retried with back-off',
        { default: [] },
      ),
      uplinks: list(uplinkSchema, 'the uplinks, at least one', { minItems: 1 }),
    },
    'the wanwatch config file',
    { defaults: false, required: ['uplinks'] },
  ),
};
