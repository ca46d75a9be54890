// A child process that switches RED between profiles as fast as it can,
// for the crash test: it is killed with SIGKILL at random moments.
// Usage: node switch-loop.js <root> <seed> <max switches>
import { IpfireAdapter } from '@wanwatch/ipfire';

const [root, seedArg, maxArg] = process.argv.slice(2);
const UPLINKS = [
  { id: 'fiber', priority: 10, interface: 'ppp0', targets: ['192.0.2.10'] },
  { id: 'cable', priority: 20, interface: 'red1', targets: ['192.0.2.10'] },
  { id: 'lte', priority: 30, interface: 'wwan0', targets: ['192.0.2.10'] },
];
const PROFILES = {
  fiber: { ppp: 1 },
  cable: { redType: 'DHCP', ethernet: { RED_DEV: 'red1' } },
  lte: { ppp: 3, ethernet: { RED_DEV: 'wwan0', RED_DRIVER: 'qmi_wwan' } },
};
let seed = Number(seedArg) || 1;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

const adapter = new IpfireAdapter(UPLINKS, {
  profiles: PROFILES,
  root,
  pollMs: 5,
  upTimeoutMs: 5000,
  syslogTag: null,
});
let current = await adapter.discover(UPLINKS);
process.stdout.write(`ready ${current}\n`);
for (let i = 0; i < Number(maxArg); i++) {
  const choices = UPLINKS.filter((u) => u.id !== current);
  const next = choices[Math.floor(random() * choices.length)];
  process.stdout.write(`begin ${next.id}\n`);
  await adapter.activate(next, { previous: null, reason: 'manual', signal: new AbortController().signal });
  current = next.id;
  process.stdout.write(`done ${next.id}\n`);
}
