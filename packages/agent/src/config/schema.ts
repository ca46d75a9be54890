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
import { DEFAULT_SETTINGS, type HealthSettings, type ProbeSettings } from '@wanwatch/core';
import { LINUX_DEFAULTS } from '@wanwatch/linux';
import { IPFIRE_SCHEMA } from './ipfire.js';
import { DEFAULT_PAYLOAD_BYTES, DEFAULT_TTL } from '@wanwatch/probes';
import { DURATION_PATTERN, PERCENT_PATTERN, formatDuration, formatPercent } from './units.js';

/** Platforms this agent knows. `linux` is accepted by the schema; see platform.ts. */
export const PLATFORMS = ['linux', 'ipfire', 'simulated'] as const;
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
    spread: percent('random spread of each interval (± this), so uplinks do not probe in lockstep', d?.jitterPct),
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
      { socket: text('the control socket (mode 0600)', AGENT_DEFAULTS.socket) },
      'the control socket',
      true,
    ),
    state: text('directory of state.json and history.jsonl', AGENT_DEFAULTS.stateDir),
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
              jitter: duration('RTT spread (default 2ms)'),
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
    uplinks: { type: 'array', minItems: 1, items: uplinkSchema, description: 'the uplinks, at least one' },
  },
};
