/** What the lab router's main table says about default routes. */
import { ipIn, type Lab } from '@wanwatch/netlab';

interface JsonRoute {
  readonly dst: string;
  readonly dev?: string;
  readonly gateway?: string;
  readonly metric?: number;
}

/** The main table's default routes of one family, lowest metric first. */
export async function defaultRoutes(lab: Lab, family: 4 | 6): Promise<JsonRoute[]> {
  const out = await ipIn(lab.ns.router, ['-json', `-${family}`, 'route', 'show', 'default']);
  const routes = JSON.parse(out.stdout || '[]') as JsonRoute[];
  return routes.sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0));
}

/** The device the router's traffic of `family` leaves by now (the lowest-metric default route). */
export async function effectiveDevice(lab: Lab, family: 4 | 6): Promise<string | undefined> {
  return (await defaultRoutes(lab, family))[0]?.dev;
}

/** Removes the default routes wanwatch installed (metric `metric`), so the next test starts from the lab's own. */
export async function removeWanwatchRoutes(lab: Lab, metric = 10): Promise<void> {
  for (const family of [4, 6] as const) {
    for (const r of await defaultRoutes(lab, family)) {
      if (r.metric === metric)
        await ipIn(lab.ns.router, [`-${family}`, 'route', 'del', 'default', 'metric', String(metric)]);
    }
  }
}
