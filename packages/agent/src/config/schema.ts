/**
 * The config file's schema and every default of the agent, in one place.
 *
 * Engine defaults are not restated here: they are read from core's
 * `DEFAULT_SETTINGS` (and the ICMP defaults from @wanwatch/probes) and only
 * spelled in the file's units (`500ms`, `40%`). Agent-only defaults (socket,
 * state directory, logging, the simulated platform) are {@link AGENT_DEFAULTS}.
 * Every key carries a `description`; the README's reference follows them.
 *
 * The schema checks structure, types and units; unknown keys are errors.
 * Values that need more than a type (targets, interface names, addresses,
 * ranges the engine enforces) are checked afterwards (see validate.ts).
 */
import { DEFAULT_HISTORY_ROTATION, DEFAULT_SETTINGS, type HealthSettings, type ProbeSettings } from '@wanwatch/core';
import { KEEPALIVED_DEFAULTS, LINUX_DEFAULTS } from '@wanwatch/linux';
import { IPFIRE_SCHEMA } from './ipfire.js';
import { DEFAULT_PAYLOAD_BYTES, DEFAULT_TTL } from '@wanwatch/probes';
import { AGENT_EVENT_TYPES } from '../events/hub.js';
import { HTTP_DEFAULTS } from '../http/settings.js';
import { WEBHOOK_DEFAULTS } from '../notify/webhooks.js';
import { DURATION_PATTERN, PERCENT_PATTERN, formatDuration, formatPercent } from './units.js';
import { OPNSENSE_SECTION_SCHEMA } from './opnsense.js';

/** Platforms this agent knows. `linux` is accepted by the schema; see platform.ts. */
export const PLATFORMS = ['linux', 'opnsense', 'ipfire', 'simulated'] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** Log levels. There is no level that hides warnings, state changes or switches (they log at `notice` or above). */
export const LOG_LEVELS = ['notice', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Defaults of everything the engine does not own. */
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
  simulated: Object.freeze({ seed: 1, activateDelayMs: 5, initialRoute: null }),
});

type Schema = Record<string, unknown>;

const withDefault = (schema: Schema, value: unknown): Schema =>
  value === undefined ? schema : { ...schema, default: value };

const duration = (description: string, def?: number): Schema =>
  withDefault(
    { type: 'string', kind: 'duration', pattern: DURATION_PATTERN, description },
    def === undefined ? undefined : formatDuration(def),
  );
const percent = (description: string, def?: number): Schema =>
  withDefault(
    { type: 'string', kind: 'percent', pattern: PERCENT_PATTERN, description },
    def === undefined ? undefined : formatPercent(def),
  );
const integer = (description: string, def?: number): Schema => withDefault({ type: 'integer', description }, def);
const number = (description: string, def?: number): Schema => withDefault({ type: 'number', description }, def);
const oneOf = (values: readonly string[], description: string, def?: string): Schema =>
  withDefault({ type: 'string', enum: values, description }, def);
const text = (description: string, def?: string | null, nullable = false): Schema =>
  withDefault({ type: nullable ? ['string', 'null'] : 'string', description }, def);
const boolean = (description: string, def?: boolean): Schema => withDefault({ type: 'boolean', description }, def);
const section = (properties: Record<string, Schema>, description: string, withDefaults: boolean): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  description,
  ...(withDefaults ? { default: {} } : {}),
});

/** `probe:` keys. `d` null: the per-uplink variant (no defaults: unset keys inherit). */
function probeSection(d: ProbeSettings | null): Schema {
  const properties: Record<string, Schema> = {
    interval: duration('round interval while the state is settled', d?.intervalMs),
    failureInterval: duration('round interval while an up uplink is failing rounds', d?.failureIntervalMs),
    recoveryInterval: duration('round interval while a down uplink is passing rounds', d?.recoveryIntervalMs),
    timeout: withDefault(
      {
        type: 'string',
        kind: 'timeout',
        pattern: `^auto$|${DURATION_PATTERN}`,
        description: 'per-probe timeout, or auto: smoothed RTT + 4 × its variation, within minTimeout…maxTimeout',
      },
      d ? (d.timeoutMs === 'auto' ? 'auto' : formatDuration(d.timeoutMs)) : undefined,
    ),
    minTimeout: duration('lower bound of the automatic timeout', d?.minTimeoutMs),
    maxTimeout: duration('upper bound of the automatic timeout, and its value before any answer', d?.maxTimeoutMs),
    reliability: integer('targets that must answer for a round to pass', d?.reliability),
    spread: percent('random spread of each interval (± this), so uplinks do not probe in lockstep', d?.spreadPct),
  };
  if (d) {
    const i = AGENT_DEFAULTS.icmp;
    properties.icmp = section(
      {
        backend: oneOf(['auto', 'native', 'system'], 'auto: raw sockets, falling back to the system ping', i.backend),
        payloadBytes: integer('ICMP payload bytes (4…1472); never 0, some ISPs drop empty echoes', i.payloadBytes),
        ttl: integer('IPv4 TTL / IPv6 hop limit (1…255)', i.ttl),
      },
      'ICMP probe options (global only)',
      true,
    );
  }
  return section(properties, d ? 'defaults for every uplink' : 'overrides of the global probe keys', d !== null);
}

function threshold(kind: 'percent' | 'duration', what: string, d: { fail: number; recover: number } | null): Schema {
  const make = kind === 'percent' ? percent : duration;
  return section(
    {
      fail: make(`${what} beyond which an uplink is failing`, d?.fail),
      recover: make(`${what} at or below which an uplink is good again (≤ fail)`, d?.recover),
    },
    `${what} thresholds`,
    d !== null,
  );
}

/** `health:` keys. `d` null: the per-uplink variant. */
function healthSection(d: HealthSettings | null): Schema {
  return section(
    {
      down: integer('consecutive bad rounds → down', d?.down),
      up: integer('consecutive good rounds → up', d?.up),
      window: integer('samples per target that loss, RTT and jitter are computed over', d?.window),
      loss: threshold('percent', 'loss over the window', d?.lossPct ?? null),
      latency: threshold('duration', 'mean RTT over the window', d?.latencyMs ?? null),
      jitter: threshold('duration', 'RTT standard deviation over the window', d?.jitterMs ?? null),
      initialState: oneOf(
        ['unknown', 'down'],
        'state at start-up; unknown keeps an uplink found active until it proves down',
        d?.initialState,
      ),
    },
    d ? 'how probe results become uplink states' : 'overrides of the global health keys',
    d !== null,
  );
}

const uplinkSchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'interface', 'targets'],
  properties: {
    name: text('unique name: 1-32 characters of a-z, 0-9, _ and -'),
    priority: integer('lower = preferred; default: position in the list × 10'),
    interface: text('the device that carries the uplink (eth1, ppp0, wwan0…)'),
    gateway: text('IPv4 next hop, or auto (the adapter finds it)', AGENT_DEFAULTS.gateway),
    gateway6: text('IPv6 next hop (often fe80::1), or auto'),
    targets: {
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
      description: 'addresses, gateway, gateway6, or full targets (tcp:…, dns:…, http(s)://…)',
    },
    probes: {
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
      default: [...AGENT_DEFAULTS.probes],
      description: 'how each bare target is probed: icmp, tcp:<port>, dns:<name>[:A|AAAA], http[s][:<port>][/<path>]',
    },
    probe: probeSection(null),
    health: healthSection(null),
  },
};

/** `ha:` keys (Linux with keepalived). The section is optional: without it the box is always master. */
function haSection(): Schema {
  const k = KEEPALIVED_DEFAULTS;
  const keepalived: Schema = {
    ...section(
      {
        fifo: text("keepalived's vrrp_notify_fifo (made with mkfifo when missing)"),
        instance: text('the vrrp_instance (or vrrp_sync_group) whose state is the role of this box'),
        stateFile: text(
          'file a keepalived notify script writes its arguments to; read at start-up; null = none',
          null,
          true,
        ),
        pidFile: text(
          "keepalived's pid file (-p): a killed keepalived makes this box backup; null = not watched",
          null,
          true,
        ),
        virtualAddresses: {
          type: 'array',
          items: { type: 'string' },
          default: [],
          description: 'the virtual addresses: holding one at start-up means master',
        },
        debounce: duration('a VRRP state must hold this long before the role changes', k.debounceMs),
      },
      'where the role comes from',
      false,
    ),
    required: ['fifo', 'instance'],
  };
  return {
    ...section(
      {
        keepalived,
        backupMode: oneOf(
          ['unused', 'down'],
          'as backup: leave the uplinks up and probed but unused, or set their devices down (one ISP lease)',
          LINUX_DEFAULTS.backupMode,
        ),
        peer4: text("the master's IPv4 LAN address (the VRRP virtual address): a backup's own traffic goes there"),
        peer6: text("the master's IPv6 LAN address"),
        lanInterface: text('the LAN device the master is reached on'),
        trackFile: text(
          'health coupling: file for a keepalived vrrp_track_file, 1 while every uplink of this box is down, else 0; null = off',
          null,
          true,
        ),
      },
      'high availability with keepalived (Linux); absent = standalone, always master',
      false,
    ),
    required: ['keepalived', 'lanInterface'],
  };
}

const d = DEFAULT_SETTINGS;
const l = AGENT_DEFAULTS.log;

/** The JSON Schema of the config file (with the defaults that fill it). */
export const CONFIG_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['uplinks'],
  properties: {
    platform: oneOf(PLATFORMS, 'where the agent runs', AGENT_DEFAULTS.platform),
    probe: probeSection(d.probe),
    health: healthSection(d.health),
    failback: section(
      {
        mode: oneOf(['auto', 'manual', 'disabled'], 'auto, manual (operator only) or disabled', d.failback.mode),
        delay: duration('continuous health of the preferred uplink before failing back', d.failback.delayMs),
        window: text('daily local-time window HH:MM-HH:MM for failback; null = any time', d.failback.window, true),
        timeZone: text('IANA time zone of window; null = the system zone', d.failback.timeZone, true),
        minDwell: duration('minimum time on an uplink before a voluntary switch', d.failback.minDwellMs),
        trialWindow: duration('time a trial switch has to prove the uplink up', d.failback.trialWindowMs),
        maxBackoff: duration('cap of the back-off between failed switches or trials', d.failback.maxBackoffMs),
      },
      'when to return to a preferred uplink',
      true,
    ),
    dampening: section(
      {
        enabled: boolean('flap dampening (RFC 2439)', d.dampening.enabled),
        penalty: number('added per transition to down', d.dampening.penalty),
        halfLife: duration('time for the penalty to halve', d.dampening.halfLifeMs),
        suppress: number('above this the uplink is not chosen', d.dampening.suppress),
        reuse: number('…until the penalty decays below this', d.dampening.reuse),
        maxSuppress: duration('longest suppression', d.dampening.maxSuppressMs),
      },
      'flap dampening',
      true,
    ),
    switch: section(
      {
        activateTimeout: duration('time limit of the adapter making an uplink active', d.switch.activateTimeoutMs),
        verifyTimeout: duration('time for the new path to pass a probe round', d.switch.verifyTimeoutMs),
        retryDelay: duration('first back-off after a failed switch (doubles per failure)', d.switch.retryDelayMs),
        startupGrace: duration(
          'at start without an active uplink, wait this long for better ones',
          d.switch.startupGraceMs,
        ),
      },
      'time limits of a switch',
      true,
    ),
    hooks: section(
      {
        pre: text('executable run before each switch (absolute path); null = none', null, true),
        post: text('executable run after each switch (absolute path); null = none', null, true),
        timeout: duration('time limit of each hook run; its process group is killed then', d.switch.hookTimeoutMs),
      },
      'operator scripts around switches',
      true,
    ),
    control: section(
      {
        socket: text('the control socket (mode 0600)', AGENT_DEFAULTS.socket),
        http: section(
          {
            listen: text('address:port of the HTTP API and status page', HTTP_DEFAULTS.listen),
            tokenFile: text('file with the bearer token (root-only, mode 0600)', HTTP_DEFAULTS.tokenFile),
            readToken: boolean('reads (status, history, events, metrics) need the token too', HTTP_DEFAULTS.readToken),
            changesPerMinute: integer('changes accepted per minute (1…600)', HTTP_DEFAULTS.changesPerMinute),
            maxBody: integer('largest request body in bytes (256…1048576)', HTTP_DEFAULTS.maxBodyBytes),
            allowedHosts: {
              type: 'array',
              items: { type: 'string' },
              default: [],
              description:
                'host names the page is reached by, besides IP addresses and localhost (DNS-rebinding guard)',
            },
          },
          'the HTTP API, /metrics and the status page; absent = off',
          false,
        ),
      },
      'the control socket and the HTTP API',
      true,
    ),
    state: text('directory of state.json and history.jsonl', AGENT_DEFAULTS.stateDir),
    history: section(
      {
        maxBytes: integer(
          'size (bytes) at which history.jsonl is rotated to history.jsonl.1',
          DEFAULT_HISTORY_ROTATION.maxBytes,
        ),
        files: integer('rotated history files kept besides the live one (0…100)', DEFAULT_HISTORY_ROTATION.files),
      },
      'the history kept on disk (JSON lines, rotated by size; the CLI and the HTTP API read the same files)',
      true,
    ),
    log: section(
      {
        level: oneOf(LOG_LEVELS, 'notice, info or debug; warnings, state changes and switches always show', l.level),
        format: oneOf(['text', 'json'], 'text lines, or one JSON object per line', l.format),
        file: text('also append to this file; null = console only', l.file, true),
        summary: duration('period of the per-uplink probe summary; 0s = none', l.summaryMs),
      },
      'logging',
      true,
    ),
    linux: section(
      {
        tableBase: integer('first routing table id of the per-uplink tables', LINUX_DEFAULTS.tableBase),
        tables: {
          type: 'object',
          additionalProperties: { type: 'integer' },
          description: 'routing table id per uplink name, overriding tableBase',
        },
        rulePriority: integer('priority of the ip rules that steer probes', LINUX_DEFAULTS.rulePriority),
        metric: integer('metric of the default routes wanwatch installs', LINUX_DEFAULTS.metric),
        conntrack: oneOf(
          ['old-uplink', 'off'],
          'on a switch, delete the flows NATed to the old uplink, or nothing',
          LINUX_DEFAULTS.conntrack,
        ),
        cleanupOnStop: boolean(
          'remove tables and rules when the agent stops (routing is never changed)',
          LINUX_DEFAULTS.cleanupOnClose,
        ),
        commandTimeout: duration('time limit of each ip/conntrack command', LINUX_DEFAULTS.commandTimeoutMs),
      },
      'options of the Linux adapter (@wanwatch/linux; its defaults)',
      true,
    ),
    ha: haSection(),
    opnsense: OPNSENSE_SECTION_SCHEMA,
    ipfire: IPFIRE_SCHEMA,
    simulated: section(
      {
        seed: integer('seed of the simulated randomness', AGENT_DEFAULTS.simulated.seed),
        activateDelay: duration('time a simulated switch takes', AGENT_DEFAULTS.simulated.activateDelayMs),
        initialRoute: text(
          'uplink holding the simulated default route on first start; null = none',
          AGENT_DEFAULTS.simulated.initialRoute,
          true,
        ),
        links: {
          type: 'object',
          default: {},
          description: 'simulated conditions per uplink name',
          additionalProperties: section(
            {
              rtt: duration('mean RTT (default 20ms)'),
              jitter: duration('RTT standard deviation (default 2ms)'),
              loss: percent('random loss (default 0%)'),
              dead: boolean('upstream blackhole: nothing answers (default false)'),
              carrier: oneOf(['up', 'down'], 'link state (default up)'),
              forwards: boolean('false: own probes pass, routed traffic does not (default true)'),
            },
            'conditions of one simulated uplink',
            false,
          ),
        },
      },
      'the simulated platform (no root, no network)',
      true,
    ),
    webhooks: {
      type: 'array',
      default: [],
      description: 'JSON POSTs of events, HMAC-signed, retried with back-off',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'secretFile'],
        properties: {
          url: text('http:// or https:// URL the events are POSTed to'),
          secretFile: text('file with the HMAC-SHA256 key (root-only, mode 0600)'),
          events: {
            type: 'array',
            items: { type: 'string', enum: [...AGENT_EVENT_TYPES] },
            default: [...WEBHOOK_DEFAULTS.events],
            description: `events to send: ${AGENT_EVENT_TYPES.join(', ')}`,
          },
          timeout: duration('time limit of one delivery attempt', WEBHOOK_DEFAULTS.timeoutMs),
        },
      },
    },
    uplinks: { type: 'array', minItems: 1, items: uplinkSchema, description: 'the uplinks, at least one' },
  },
};
