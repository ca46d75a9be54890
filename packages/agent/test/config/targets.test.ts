import assert from 'node:assert/strict';
import { expandTargets } from '@wanwatch/agent';

const targets = (t: string[], p: string[]) => expandTargets(t, p).targets.map((x) => x.target);
const issues = (t: string[], p: string[]) => expandTargets(t, p).issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('target expansion', () => {
  it('probes bare addresses with every method and gateways with ICMP only, target by target', () => {
    assert.deepEqual(targets(['gateway', '192.0.2.10'], ['icmp', 'tcp:443']), [
      'gateway',
      '192.0.2.10',
      'tcp:192.0.2.10:443',
    ]);
  });

  it('brackets IPv6 addresses where the form needs them', () => {
    assert.deepEqual(targets(['2001:db8::53'], ['icmp', 'tcp:443', 'dns:example.org:AAAA', 'https:8443/health']), [
      '2001:db8::53',
      'tcp:[2001:db8::53]:443',
      'dns:[2001:db8::53]:example.org:AAAA',
      'https://[2001:db8::53]:8443/health',
    ]);
  });

  it('uses full targets as written, once, whatever probes says', () => {
    assert.deepEqual(targets(['tcp:198.51.100.1:22', 'http://192.0.2.80/ok'], ['icmp', 'tcp:443']), [
      'tcp:198.51.100.1:22',
      'http://192.0.2.80/ok',
    ]);
  });

  it('reports a gateway that no probe can reach, unknown probes and bad targets', () => {
    assert.deepEqual(issues(['gateway'], ['tcp:443']), [
      'targets.0: gateway is probed by ICMP only, and probes does not list icmp',
    ]);
    assert.match(issues(['192.0.2.1'], ['ping'])[0]!, /^probes\.0: unknown probe "ping"/);
    assert.match(issues(['192.0.2.1'], ['https://192.0.2.1/'])[0]!, /complete target: list it under targets/);
    assert.match(issues(['example.org'], ['icmp'])[0]!, /^targets\.0: "example\.org" is not an IP address/);
    assert.match(issues(['tcp:192.0.2.1:99999'], ['icmp'])[0]!, /^targets\.0: invalid target/);
  });

  it('reports the same target string twice', () => {
    assert.match(
      issues(['192.0.2.10', 'tcp:192.0.2.10:443'], ['icmp', 'tcp:443'])[0]!,
      /^targets\.1: gives "tcp:192\.0\.2\.10:443" twice \(also from targets\[0\]\)/,
    );
  });
});
