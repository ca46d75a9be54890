/**
 * configctl, OPNsense's client of configd. Actions are words separated by
 * spaces (`configctl interface linkup start vtnet1`, never the dotted
 * `linkup.start` of configd's action files). configd answers an unknown
 * action with `Action not allowed or missing` and a script that failed
 * with `Execute error`, and configctl still exits 0: the answer must be read.
 */
import { WanwatchError } from '@wanwatch/core';
import { CommandError, showCommand, type CommandResult, type CommandRunner } from '@wanwatch/exec';

/** configd's answers that mean the action did not run. */
const REFUSALS = ['Action not allowed or missing', 'Execute error'] as const;

/** configctl ran but configd refused or failed the action (exit 0 with a refusal on stdout). */
export class ConfigctlError extends WanwatchError {
  /** The configctl words, e.g. `['interface', 'reconfigure', 'opt1']`. */
  readonly action: readonly string[];
  /** What configd answered. */
  readonly answer: string;

  constructor(action: readonly string[], answer: string, uplink?: string) {
    super('E_ADAPTER', `configctl ${showCommand(action)}: configd answered "${answer}"`, { uplink });
    this.action = action;
    this.answer = answer;
  }
}

/** The configctl actions the adapter uses (see the reference table of actions). */
export class Configctl {
  constructor(
    private readonly runner: CommandRunner,
    private readonly file: string,
  ) {}

  /** Runs `configctl <words…>`; rejects with a `CommandError` (exit, timeout) or a {@link ConfigctlError} (refusal). */
  async run(
    words: readonly string[],
    options: { signal?: AbortSignal | undefined; uplink?: string | undefined; timeoutMs?: number | undefined } = {},
  ): Promise<CommandResult> {
    const result = await this.runner.run([this.file, ...words], options);
    const first = result.stdout.trim().split('\n')[0]?.trim() ?? '';
    if ((REFUSALS as readonly string[]).includes(first)) throw new ConfigctlError(words, first, options.uplink);
    return result;
  }

  linkupStart(device: string, o?: Parameters<Configctl['run']>[1]) {
    return this.run(['interface', 'linkup', 'start', device], o);
  }

  linkupStop(device: string, o?: Parameters<Configctl['run']>[1]) {
    return this.run(['interface', 'linkup', 'stop', device], o);
  }

  /** Takes OPNsense's interface name (`wan`, `opt1`), not the device. */
  reconfigure(name: string, o?: Parameters<Configctl['run']>[1]) {
    return this.run(['interface', 'reconfigure', name], o);
  }

  newip(device: string, o?: Parameters<Configctl['run']>[1]) {
    return this.run(['interface', 'newip', device, 'force'], o);
  }

  newipv6(device: string, o?: Parameters<Configctl['run']>[1]) {
    return this.run(['interface', 'newipv6', device, 'force'], o);
  }

  carpServiceStatus(o?: Parameters<Configctl['run']>[1]) {
    return this.run(['interface', 'update', 'carp', 'service_status'], o);
  }

  killGatewayStates(gateway: string, o?: Parameters<Configctl['run']>[1]) {
    return this.run(['filter', 'kill', 'gateway_states', gateway], o);
  }

  radvdRestart(o?: Parameters<Configctl['run']>[1]) {
    return this.run(['radvd', 'restart'], o);
  }

  /** `interface list ifconfig`: per device, flags, addresses and CARP state (pluginctl -D). */
  async listIfconfig(o?: Parameters<Configctl['run']>[1]): Promise<Record<string, unknown>> {
    const r = await this.run(['interface', 'list', 'ifconfig'], o);
    try {
      const parsed: unknown = JSON.parse(r.stdout);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return parsed as Record<string, unknown>;
    } catch (err) {
      throw new CommandError(
        'E_ADAPTER',
        `configctl interface list ifconfig: unreadable answer (${err instanceof Error ? err.message : String(err)})`,
        {
          command: [this.file, 'interface', 'list', 'ifconfig'],
          stderr: r.stderr,
          exitCode: r.exitCode,
          timedOut: false,
          aborted: false,
          missing: false,
        },
      );
    }
  }
}
