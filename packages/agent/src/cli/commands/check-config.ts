/** `wanwatch check-config`. */
import { stringify } from 'yaml';
import { loadConfig } from '../../config/load.js';
import { AGENT_DEFAULTS } from '../../config/schema.js';
import { EXIT, type Parsed } from '../args.js';
import { json, out } from '../output.js';

export async function checkConfig(p: Parsed): Promise<number> {
  const config = loadConfig(typeof p.values.config === 'string' ? p.values.config : AGENT_DEFAULTS.configFile);
  const resolved = config.uplinks.map((u) => ({ name: u.id, priority: u.priority, targets: u.targets }));
  if (p.values.json === true) {
    json({ file: config.file, config: config.effective, uplinks: resolved, settings: config.settings });
    return EXIT.ok;
  }
  out(`# ${config.file}: valid. Effective config, every default filled in:`);
  process.stdout.write(stringify(config.effective, { lineWidth: 0 }));
  out('# probe targets after expansion:');
  for (const u of resolved) out(`#   ${u.name} (priority ${u.priority}): ${u.targets.join(', ')}`);
  return EXIT.ok;
}
