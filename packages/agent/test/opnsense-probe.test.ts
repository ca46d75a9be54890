/**
 * The `opnsense` platform's probe: FreeBSD's mechanisms on FreeBSD (a real
 * OPNsense box), Linux's elsewhere (the tests' emulated box on Linux).
 */
import assert from 'node:assert/strict';
import { opnsensePlatform, parseConfig } from '@wanwatch/agent';
import type { WanwatchProbe } from '@wanwatch/probes';

const config = parseConfig(
  `platform: opnsense
uplinks:
  - { name: fiber, interface: igc1, targets: [192.0.2.10] }
  - { name: lte, interface: igc2, targets: [192.0.2.10] }
`,
  '/usr/local/etc/wanwatch/wanwatch.yaml',
);
const logger = { warn: () => undefined };

describe('the opnsense platform’s probe', () => {
  it('uses the FreeBSD probe mechanisms when the agent runs on FreeBSD', async () => {
    const { probe } = opnsensePlatform(config, logger, 'freebsd');
    assert.equal((probe as WanwatchProbe).system, 'freebsd');
    await (probe as WanwatchProbe).close();
  });

  it('uses the Linux ones elsewhere, and picks by process.platform by default', async () => {
    const linux = opnsensePlatform(config, logger, 'linux').probe as WanwatchProbe;
    assert.equal(linux.system, 'linux');
    const here = opnsensePlatform(config, logger).probe as WanwatchProbe;
    assert.equal(here.system, process.platform === 'freebsd' ? 'freebsd' : 'linux');
    await linux.close();
    await here.close();
  });
});
