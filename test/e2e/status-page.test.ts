/**
 * The live status page in a real browser: Debian's headless Chromium driven
 * by playwright-core, at a desktop size and at a phone's (390 px), looking
 * at the real agent in a netlab router namespace (Chromium is started inside
 * that namespace, where the agent's HTTP API listens on 127.0.0.1).
 *
 * `npm run screenshots` runs this file with WANWATCH_SCREENSHOTS=<dir>: the
 * last test then saves the desktop and phone pages the README shows.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Lab } from '@wanwatch/netlab';
import type { SampleRange } from '@wanwatch/agent';
import { LabAgent, labConfig } from '../support/lab-agent.js';
import { removeWanwatchRoutes } from '../support/routes.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'page-test-token-0123456789abcdef';
const PORT = 8686;
const URL = `http://127.0.0.1:${PORT}/`;
const PHONE = { width: 390, height: 844 };

describe('the status page in headless Chromium', function () {
  this.timeout(120_000);
  let lab: Lab;
  let agent: LabAgent | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let phone: Page;

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
    phone = await (await browser.newContext({ viewport: PHONE, isMobile: true, deviceScaleFactor: 2 })).newPage();
  });
  after(async function () {
    if (this.currentTest?.state === 'failed' && agent) console.log(agent.lines.slice(-30).join('\n'));
    await browser?.close();
    await agent?.dispose();
    await lab?.faults.clearAll();
    if (lab) await removeWanwatchRoutes(lab);
    await lab?.destroy();
  });

  const row = (uplink: string, p = page) => p.locator(`#uplinks tr[data-uplink="${uplink}"]`);
  const samples = (p: Page, range = '1h') =>
    p.evaluate(
      async (r) => ((await (await fetch(`api/v1/samples?range=${r}`)).json()) as { result: SampleRange }).result,
      range,
    );
  /** Clicks a row's button, then the dialog's answer. */
  const answer = async (button: ReturnType<Page['locator']>, yes: boolean, p = page) => {
    await button.click();
    await p.locator('#confirm[open]').waitFor({ timeout: 5_000 });
    await p.locator(yes ? '#confirm-yes' : '#confirm-no').click();
  };

  it('loads from the agent with no outside assets: uPlot charts, a favicon, the lab uplinks', async () => {
    const outside: string[] = [];
    const failed: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(URL)) outside.push(r.url());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => failed.push(String(e)));
    await page.goto(URL);
    await page.locator('#connection.live').waitFor({ timeout: 10_000 });
    await row('fiber').and(page.locator('.active')).waitFor({ timeout: 10_000 });
    assert.equal(await row('fiber').getAttribute('data-state'), 'up');
    assert.equal(await row('lte').getAttribute('data-state'), 'up');
    assert.match((await row('fiber').locator('td').nth(3).textContent()) ?? '', /\d+(\.\d)? ms/);
    assert.match((await page.locator('#summary').textContent()) ?? '', /traffic on fiber/);
    await page.locator('#charts figure[data-uplink="lte"] canvas').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#charts figure canvas').count(), 2);
    assert.equal(await page.evaluate('typeof uPlot'), 'function');
    const href = await page.locator('link[rel=icon]').getAttribute('href');
    const icon = await page.evaluate(async (link) => {
      const res = await fetch(link!);
      return [res.status, res.headers.get('content-type')];
    }, href);
    assert.deepEqual(icon, [200, 'image/svg+xml']);
    assert.deepEqual(outside, []);
    assert.deepEqual(failed, []);
  });

  it('updates live when a fault is injected and cleared, and its chart keeps the outage', async () => {
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
    // The state changes are markers on lte's chart, and the outage is in its points (worst state down).
    const markers = Number(await page.locator('#charts figure[data-uplink="lte"]').getAttribute('data-markers'));
    assert.ok(markers >= 2, `${markers} markers`);
    await page.waitForFunction(
      async () => {
        const r = (await (await fetch('api/v1/samples')).json()) as { result: SampleRange };
        return r.result.points.some((p) => p.uplinks.some((u) => u.id === 'lte' && u.worst === 'down'));
      },
      undefined,
      { timeout: 15_000, polling: 500 },
    );
    assert.ok(Number(await page.locator('#charts figure[data-uplink="fiber"]').getAttribute('data-active-spans')) >= 1);
  });

  it('asks before moving traffic, has no "Fail over" on the active row, and fails over once confirmed', async () => {
    assert.equal(await row('fiber').locator('button.failover').count(), 0, 'fiber carries traffic already');
    await row('lte').locator('button.failover').click();
    await page.locator('#message.error', { hasText: /enter the API token/ }).waitFor({ timeout: 5_000 });
    await page.locator('#token').fill(TOKEN);
    await answer(row('lte').locator('button.failover'), false);
    await page.locator('#message', { hasText: 'failover: cancelled, nothing changed' }).waitFor({ timeout: 5_000 });
    assert.equal((await agent!.status()).active, 'fiber');
    assert.match((await page.locator('#confirm-text').textContent()) ?? '', /^Move traffic from fiber to lte now\?/);
    await answer(row('lte').locator('button.failover'), true);
    await page.locator('#message', { hasText: /switched fiber → lte/ }).waitFor({ timeout: 15_000 });
    await row('lte').and(page.locator('.active')).waitFor({ timeout: 5_000 });
    const st = await agent!.status();
    assert.equal(st.active, 'lte');
    assert.equal(st.pendingFailback?.uplink, 'fiber');
    assert.equal(await row('lte').locator('button.failover').count(), 0);
    assert.equal(await row('fiber').locator('button.failover').count(), 1);
    await page.locator('#countdown', { hasText: /failback to fiber in \d+ min/ }).waitFor({ timeout: 5_000 });
    await page.locator('#events li.switch', { hasText: /switched fiber → lte \(manual\)/ }).waitFor({ timeout: 5_000 });
  });

  it('forbids an uplink from its row and allows it again', async () => {
    await answer(row('fiber').locator('button.forbid'), true);
    await row('fiber').locator('td.notes', { hasText: 'forbidden' }).waitFor({ timeout: 5_000 });
    assert.ok((await agent!.status()).uplinks.find((u) => u.id === 'fiber')!.forbidden);
    await answer(row('fiber').locator('button.allow'), true);
    await row('fiber').locator('button.forbid').waitFor({ timeout: 5_000 });
    assert.ok(!(await agent!.status()).uplinks.find((u) => u.id === 'fiber')!.forbidden);
    assert.equal((await agent!.status()).active, 'lte');
  });

  it('fits a 390 px phone: no sideways scrolling, every button on screen and usable', async () => {
    await phone.goto(URL);
    await phone.locator('#connection.live').waitFor({ timeout: 10_000 });
    await row('lte', phone).and(phone.locator('.active')).waitFor({ timeout: 10_000 });
    await phone.locator('#charts figure canvas').first().waitFor({ timeout: 10_000 });
    assert.ok(
      (await phone.evaluate<number>('document.documentElement.scrollWidth')) <= PHONE.width,
      'the page does not scroll sideways',
    );
    const buttons = phone.locator('button:visible');
    assert.ok((await buttons.count()) >= 7);
    for (const button of await buttons.all()) {
      const box = (await button.boundingBox())!;
      assert.ok(
        box.x >= 0 && box.x + box.width <= PHONE.width,
        `${await button.textContent()} at ${box.x}+${box.width}`,
      );
      assert.ok(box.height >= 30, `${await button.textContent()} is tall enough to tap (${box.height} px)`);
    }
    for (const canvas of await phone.locator('#charts canvas').all()) {
      const box = (await canvas.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `a chart at ${box.x}+${box.width}`);
    }
    // A tap asks first, as on the desktop.
    await phone.locator('#token').fill(TOKEN);
    await answer(row('fiber', phone).locator('button.hold'), false, phone);
    await phone.locator('#message', { hasText: 'hold: cancelled' }).waitFor({ timeout: 5_000 });
  });

  it('says so everywhere while the agent is unreachable, clears on its return, and keeps the charts’ history', async () => {
    await page.locator('#countdown', { hasText: /failback to fiber in/ }).waitFor({ timeout: 5_000 });
    const stoppedAt = Date.now();
    assert.equal(await agent!.stop(), 0);
    await page
      .locator('#offline:not([hidden])', { hasText: /The agent is not answering/ })
      .waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#connection').textContent(), 'offline');
    assert.match((await page.locator('#uplinks').getAttribute('class')) ?? '', /\bstale\b/);
    assert.equal(await page.locator('#countdown').textContent(), '', 'no countdown of a timer nobody runs');
    assert.match((await page.locator('#summary').textContent()) ?? '', /^agent unreachable/);
    for (const button of await page.locator('#uplinks button, .bar .actions button').all())
      assert.ok(await button.isDisabled());
    await agent!.launch();
    await page.locator('#offline').waitFor({ state: 'hidden', timeout: 15_000 });
    await page.locator('#connection.live').waitFor({ timeout: 5_000 });
    assert.doesNotMatch((await page.locator('#uplinks').getAttribute('class')) ?? '', /\bstale\b/);
    assert.ok(!(await row('fiber').locator('button.forbid').isDisabled()));
    // The history from before the restart is still there (from the state directory).
    const hour = await samples(page);
    const older = hour.points.filter((p) => p.at - p.spanMs < stoppedAt);
    assert.ok(older.length >= 1, `${hour.points.length} points, none before the restart`);
    assert.ok(
      older.some((p) => p.uplinks.some((u) => u.id === 'lte' && u.worst === 'down')),
      'the outage survived',
    );
    const day = await samples(page, '24h');
    assert.equal(day.stepMs, 60_000);
    assert.ok(day.points.some((p) => p.at - p.spanMs < stoppedAt));

    const dir = process.env.WANWATCH_SCREENSHOTS;
    if (dir) {
      // More chart for the README: a minute of measurements after the restart.
      await new Promise((r) => setTimeout(r, 60_000));
      await page.locator('#countdown', { hasText: /failback to fiber in/ }).waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(dir, 'status-page.png'), fullPage: true });
      await phone.reload();
      await phone.locator('#charts figure canvas').first().waitFor({ timeout: 10_000 });
      await phone.screenshot({ path: join(dir, 'status-page-phone.png'), fullPage: true });
    }
  });
});
