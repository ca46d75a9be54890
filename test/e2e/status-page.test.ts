/**
 * The live status page in a real browser: Debian's headless Chromium driven
 * by playwright-core, looking at the real agent in a netlab router
 * namespace (Chromium is started inside that namespace, where the agent's
 * HTTP API listens on 127.0.0.1). Set WANWATCH_SCREENSHOT=<file.png> to
 * save the page at the end (the README's screenshot is made that way).
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Lab } from '@wanwatch/netlab';
import { LabAgent, labConfig } from '../support/lab-agent.js';
import { removeWanwatchRoutes } from '../support/routes.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'page-test-token-0123456789abcdef';
const PORT = 8686;

describe('the status page in headless Chromium', function () {
  this.timeout(90_000);
  let lab: Lab;
  let agent: LabAgent | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    lab = await Lab.create({ uplinks: 2, probeRouting: false, defaultRouteMetric: 100 });
    agent = await LabAgent.start(lab, (dir) => {
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
      const config = labConfig(
        lab,
        dir,
        [
          { name: 'fiber', index: 1 },
          { name: 'lte', index: 2 },
        ],
        { failback: { delay: '1h' } },
      );
      return {
        ...config,
        control: { ...config.control, http: { listen: `127.0.0.1:${PORT}`, tokenFile } },
      };
    });
    await agent.until('both up', (s) => s.uplinks.every((u) => u.state === 'up') && s.active === 'fiber', 30_000);
    // Chromium runs in the router namespace, next to the agent (playwright talks to it over a pipe).
    const wrapper = join(agent.dir, 'chromium-in-lab');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${lab.ns.router} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o700);
    browser = await chromium.launch({ executablePath: wrapper, args: ['--no-sandbox'], timeout: 30_000 });
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  });
  after(async function () {
    if (this.currentTest?.state === 'failed' && agent) console.log(agent.lines.slice(-30).join('\n'));
    await browser?.close();
    await agent?.dispose();
    await lab?.faults.clearAll();
    if (lab) await removeWanwatchRoutes(lab);
    await lab?.destroy();
  });

  const row = (uplink: string) => page.locator(`#uplinks tr[data-uplink="${uplink}"]`);

  it('loads from the agent with no outside assets and shows the lab uplinks', async () => {
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(`http://127.0.0.1:${PORT}/`)) outside.push(r.url());
    });
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.locator('#connection.live').waitFor({ timeout: 10_000 });
    await row('fiber').and(page.locator('.active')).waitFor({ timeout: 10_000 });
    assert.equal(await row('fiber').getAttribute('data-state'), 'up');
    assert.equal(await row('lte').getAttribute('data-state'), 'up');
    assert.match((await row('fiber').locator('td').nth(3).textContent()) ?? '', /\d+(\.\d)? ms/);
    assert.match((await page.locator('#summary').textContent()) ?? '', /traffic on fiber/);
    assert.equal(await page.locator('#charts figure').count(), 2);
    assert.deepEqual(outside, []);
  });

  it('updates live when a fault is injected and cleared', async () => {
    const fault = await lab.faults.upstreamBlackhole(2);
    try {
      await page.locator('#uplinks tr[data-uplink="lte"][data-state="down"]').waitFor({ timeout: 15_000 });
      await page
        .locator('#events li', { hasText: /lte: .* → down/ })
        .first()
        .waitFor({ timeout: 5_000 });
      assert.equal(await row('fiber').getAttribute('class'), 'active', 'fiber still carries traffic');
    } finally {
      await fault.clear();
    }
    await page.locator('#uplinks tr[data-uplink="lte"][data-state="up"]').waitFor({ timeout: 20_000 });
    // The charts drew the measurements (a polyline of RTT points per uplink).
    assert.ok(
      (await page.locator('#charts figure[data-uplink="lte"] polyline').getAttribute('points'))!.split(' ').length >= 2,
    );
  });

  it('fails over with the button once the token is given', async () => {
    await row('lte').locator('button.failover').click();
    await page.locator('#message.error', { hasText: /enter the API token/ }).waitFor({ timeout: 5_000 });
    assert.equal((await agent!.status()).active, 'fiber');
    await page.locator('#token').fill(TOKEN);
    await row('lte').locator('button.failover').click();
    await page.locator('#message', { hasText: /switched fiber → lte/ }).waitFor({ timeout: 15_000 });
    await row('lte').and(page.locator('.active')).waitFor({ timeout: 5_000 });
    const st = await agent!.status();
    assert.equal(st.active, 'lte');
    assert.equal(st.pendingFailback?.uplink, 'fiber');
    await page.locator('#countdown', { hasText: /failback to fiber in \d+ min/ }).waitFor({ timeout: 5_000 });
    await page.locator('#events li.switch', { hasText: /switched fiber → lte \(manual\)/ }).waitFor({ timeout: 5_000 });
    const shot = process.env.WANWATCH_SCREENSHOT;
    if (shot) {
      // A little more chart history for the README.
      await new Promise((r) => setTimeout(r, 20_000));
      await page.screenshot({ path: shot, fullPage: true });
    }
  });
});
