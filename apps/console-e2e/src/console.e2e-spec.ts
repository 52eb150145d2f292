import { randomUUID } from 'node:crypto';
import { TOPICS } from '@order-saga/contracts';
import { stopService } from '@order-saga/infra';
import { pollUntil, RunningSystem, startSystem, WebhookRecorder } from '@order-saga/shared/testing';
import { WEBHOOK_HEADERS } from '@order-saga/webhooks';
import { Kafka, logLevel } from 'kafkajs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, screenshot } from './support/console-browser';

/**
 * The operator console in a real headless Chromium, against the whole system started by startSystem (gateway,
 * order, inventory, payment and notification services on real Kafka, PostgreSQL and Redis), the console served
 * by the gateway at /console/ from its build. Every step waits for what the page shows, with a deadline; nothing
 * sleeps. Each page's screenshot lands in dist/apps/console-e2e/screenshots.
 *
 * One saga is made stuck the way it happens in production: payment-service stops, an order's saga reserves its
 * stock and then waits on ProcessPayment (the step timeout is raised so the saga does not give up by itself
 * during the test). The operator cancels it from the console; payment-service comes back, refunds, inventory
 * releases, and the saga ends CANCELLED.
 */

const OPERATOR = { username: 'console-e2e@example.com', displayName: 'Console E2E' };
const SHIPPING = { street: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' };
const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 390, height: 844 };

let system: RunningSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let customerId: string;
let confirmedOrder: string;
/** Set while a scenario has payment-service stopped, so that one failing there does not fail the ones after it. */
let paymentStopped = false;

/** Waits until `locator`'s text matches, and returns it. */
async function textOf(locator: Locator, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return pollUntil(
    async () => {
      const text = (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : '';
      return pattern.test(text) ? text : undefined;
    },
    { timeoutMs, intervalMs: 200, description: `${String(locator)} to read ${pattern}` },
  );
}

const consoleUrl = (path = '/') => `${system.gatewayUrl}/console${path}`;
const heading = () => page.getByRole('heading', { level: 1 });
/** A link of the console's menu. */
const menu = (name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true });

beforeAll(async () => {
  system = await startSystem({
    name: 'console-e2e',
    databasePrefix: process.env.ORDER_SAGA_CONSOLE_E2E_DB_PREFIX ?? 'order_saga_console_e2e',
    operators: { console: OPERATOR },
    env: {
      // A saga waiting on a stopped participant stays open for the test (the sweeper would give up after the
      // default 30 s); a placement answers 202 after 1 s instead of holding the request 8 s.
      'order-service': { SAGA_STEP_TIMEOUT_MS: '600000', ORDER_OUTCOME_WAIT_MS: '1000' },
      // Webhooks to the test's receiver on loopback, one attempt each: a refused delivery is failed at once.
      'notification-service': { DEPLOY_ENV: 'test', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_SCHEDULE_SECONDS: '0' },
    },
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: WIDE, locale: 'en-GB', timezoneId: 'UTC' });
  page = await context.newPage();

  customerId = await system.seed.customer();
  const declining = await system.seed.customer({ customerId: `CUST-${randomUUID().slice(0, 6)}-DECLINE` });
  const productId = await system.seed.product({ available: 100, unitPrice: 12.5 });
  const confirmed = await system.api.placeOrder({ customer_id: customerId, items: [{ product_id: productId, quantity: 2 }], shipping_address: SHIPPING });
  expect(confirmed.status).toBe(201);
  confirmedOrder = confirmed.order.order_id;
  const declined = await system.api
    .placeOrder({ customer_id: declining, items: [{ product_id: productId, quantity: 1 }] })
    .catch((error: { status?: number }) => error);
  expect((declined as { status?: number }).status).toBe(402);
  const more = await Promise.all(
    [1, 2, 3].map((quantity) => system.api.placeOrder({ customer_id: customerId, items: [{ product_id: productId, quantity }], shipping_address: SHIPPING })),
  );
  expect(more.map((placed) => placed.status)).toEqual([201, 201, 201]);
  const soldOut = await system.seed.product({ available: 0 });
  const rejected = await system.api
    .placeOrder({ customer_id: customerId, items: [{ product_id: soldOut, quantity: 1 }] })
    .catch((error: { status?: number }) => error);
  expect((rejected as { status?: number }).status).toBe(409);
}, 240_000);

afterEach(async () => {
  if (!paymentStopped) return;
  await system.startService('payment-service');
  paymentStopped = false;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
}, 60_000);

describe('the operator console in headless Chromium, on the whole system', () => {
  it('signs in with the operator’s username and password into a session the page’s scripts cannot read', async () => {
    await page.goto(consoleUrl('/'));
    const { username, password } = system.operator();
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await screenshot(page, 'sign-in', { forDocs: false });
    await page.getByRole('button', { name: 'Sign in' }).click();

    await textOf(heading(), /^Overview$/);
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'operator_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/operator' });
    expect(await page.evaluate('document.cookie')).toBe('');
    // A reload keeps the cookie but loses the CSRF token held in memory; the console reads it again.
    await page.reload();
    await textOf(heading(), /^Overview$/);
    expect(await page.getByRole('banner').textContent()).toContain(OPERATOR.displayName);
  });

  it('the overview shows what the system did: four sagas confirmed, one compensated, one rejected, none in flight or stuck, no webhook yet, in the charts too', async () => {
    await textOf(page.locator('[data-figure="ended"]'), /^6$/);
    expect(await page.locator('[data-figure="in-flight"]').textContent()).toBe('0');
    expect(await page.locator('[data-figure="stuck"]').textContent()).toBe('0');
    await textOf(page.locator('[data-figure="dead-letters"]'), /^0$/);
    // No endpoint is registered yet: no delivery, so no rate (a dash, not 0% or 100%).
    await textOf(page.locator('[data-figure="webhook-deliveries"]'), /^0 succeeded, 0 failed, 0 pending$/);
    expect(await page.locator('[data-figure="webhook-success"]').textContent()).toBe('—');
    const legend = (await page.locator('figure').first().textContent()) ?? '';
    expect(legend).toMatch(/Confirmed 4/);
    expect(legend).toMatch(/Rejected 1/);
    expect(legend).toMatch(/Compensated 1/);
    // The bars say the same, whichever minutes the sagas ended in: each bar's tooltip is `HH:MM: n outcome`.
    const barTotal = async (outcome: string) =>
      (await page.locator(`svg.chart rect.fill-${outcome} title`).allTextContents()).reduce((sum, title) => sum + Number(/: (\d+) /.exec(title)?.[1]), 0);
    expect({ confirmed: await barTotal('confirmed'), rejected: await barTotal('rejected'), compensated: await barTotal('compensated') }).toEqual({
      confirmed: 4,
      rejected: 1,
      compensated: 1,
    });
    expect(await page.locator('svg.chart circle.dot-p50').count()).toBeGreaterThanOrEqual(1);
    // Another window reads the figures again: a quarter of an hour, 15 bars.
    await page.getByLabel('Window', { exact: true }).selectOption('15');
    await textOf(page.getByText(/minutes from/), /^15 minutes from/);
    await textOf(page.locator('[data-figure="ended"]'), /^6$/);
    await screenshot(page, 'overview', { forDocs: true });
  });

  it('finds an order in the sagas list by its customer and reads its timeline, drawn with each step’s duration', async () => {
    await menu('Sagas').click();
    await textOf(heading(), /^Sagas$/);
    await page.getByLabel('Customer id', { exact: true }).fill(customerId);
    await page.getByLabel('State', { exact: true }).selectOption('CONFIRMED');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.locator(`tr[data-order-id="${confirmedOrder}"]`);
    await row.waitFor();
    expect(page.url()).toContain(`customer_id=${customerId}`);
    await screenshot(page, 'sagas', { forDocs: false });

    await row.getByRole('link', { name: confirmedOrder }).click();
    await textOf(heading(), new RegExp(`^Saga ${confirmedOrder}$`));
    await page.locator('[data-saga-state="CONFIRMED"]').waitFor();
    const entries = page.locator('.timeline-list li');
    await textOf(entries.last(), /OrderConfirmed/);
    const lines = await entries.allTextContents();
    const steps = await entries.evaluateAll((items) =>
      items.map((item) => `${item.querySelector('.chip')?.textContent} ${item.querySelector('.entry-name')?.textContent}`),
    );
    expect(steps).toEqual(['command ReserveStock', 'reply StockReserved', 'command ProcessPayment', 'reply PaymentSucceeded', 'outcome OrderConfirmed']);
    expect(lines[1]).toMatch(/answered ReserveStock after \d+(\.\d+)? (ms|s)/);
    expect(lines[3]).toMatch(/answered ProcessPayment after \d+(\.\d+)? (ms|s)/);
    // Drawn: a bar per command that had a reply, marks for the replies and the outcome.
    expect(await page.locator('svg.timeline-drawing .span').count()).toBe(2);
    expect(await page.locator('svg.timeline-drawing .mark').count()).toBe(3);
    await screenshot(page, 'saga-timeline', { forDocs: true });
  });

  it('a saga stuck on a stopped payment-service is cancelled from the console after a confirmation: the stock comes back, the timeline shows the operator’s action', async () => {
    const productId = await system.seed.product({ available: 5, unitPrice: 20 });
    await stopService(system.services.replicas['payment-service'][0]);
    paymentStopped = true;
    const placed = await system.api.placeOrder({ customer_id: customerId, items: [{ product_id: productId, quantity: 3 }], shipping_address: SHIPPING });
    expect(placed.status).toBe(202);
    const orderId = placed.order.order_id;
    await pollUntil(async () => ((await system.api.getProduct(productId)).reserved === 3 ? true : undefined), { description: 'the stock reserved' });
    expect(await system.api.getProduct(productId)).toMatchObject({ available: 2, reserved: 3 });

    await menu('Stuck & failed').click();
    await textOf(heading(), /^Stuck & failed$/);
    await page.getByLabel('Unchanged for at least', { exact: true }).selectOption('10');
    const waiting = page.locator('[data-section="waiting"]');
    const row = waiting.locator(`tr[data-order-id="${orderId}"]`);
    // The saga shows up once it has not changed for 10 s; the page refreshes every 5 s.
    await row.waitFor({ timeout: 45_000 });
    expect(await row.textContent()).toContain('ProcessPayment');

    // Escape closes the confirmation without acting, and gives the focus back to the button that opened it.
    const cancel = row.getByRole('button', { name: `Cancel ${orderId}` });
    await cancel.click();
    const dialog = page.getByRole('dialog', { name: `Cancel the saga of ${orderId}?` });
    await dialog.waitFor();
    expect(await page.evaluate('document.activeElement.id')).toBe('action-reason');
    // Where the focus goes when it leaves the reason field: straight to the button, not through <body> first (a
    // dialog taken out of the page while still modal drops the focus, and the opener only got it back later).
    await page.evaluate(`document.getElementById('action-reason').addEventListener('focusout', (event) => {
      window.focusLeftFor = event.relatedTarget ? event.relatedTarget.getAttribute('aria-label') : 'nothing';
    }, { once: true })`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate('window.focusLeftFor')).toBe(`Cancel ${orderId}`);
    expect(await cancel.evaluate((button) => button === (button.ownerDocument as { activeElement: unknown }).activeElement)).toBe(true);

    await cancel.click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('refunded (RefundPayment), then the stock released (ReleaseStock)');
    await dialog.getByLabel(/Reason/).fill('payment provider down, customer asked to cancel');
    await screenshot(page, 'cancel-confirmation', { forDocs: false });
    await dialog.getByRole('button', { name: 'Cancel the saga' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await textOf(page.getByRole('status'), new RegExp(`Cancel of ${orderId} taken: PROCESSING_PAYMENT → REFUNDING_PAYMENT, sent RefundPayment`));

    // payment-service comes back and takes what waited for it (the ProcessPayment, then the RefundPayment): what
    // was charged is refunded, inventory releases the stock, the saga ends CANCELLED.
    await system.startService('payment-service');
    paymentStopped = false;
    await page.getByRole('link', { name: 'Open its timeline' }).click();
    await page.locator('[data-saga-state="CANCELLED"]').waitFor({ timeout: 60_000 });
    await pollUntil(
      async () => {
        const product = await system.api.getProduct(productId);
        return product.available === 5 && product.reserved === 0 ? product : undefined;
      },
      { timeoutMs: 30_000, description: 'the reserved stock back (inventory)' },
    );

    const operatorLine = page.locator('.timeline-list li.entry-operator');
    expect(await textOf(operatorLine, /CancelRequested/)).toContain(
      `by ${OPERATOR.username}: “payment provider down, customer asked to cancel” — PROCESSING_PAYMENT → REFUNDING_PAYMENT, sent RefundPayment`,
    );
    // Late replies land wherever the race puts them (the ProcessPayment that waited may be charged, then refunded
    // again, or declined because the refund voided it first): the saga's own steps are read without them.
    const names = (await page.locator('.timeline-list li:not(.entry-late-reply) .entry-name').allTextContents()).join(' ');
    expect(names).toMatch(/CancelRequested RefundPayment .*PaymentRefunded .*ReleaseStock .*StockReleased OrderCancelled$/);
    expect(await page.locator('svg.timeline-drawing .mark-operator').count()).toBe(1);
    // Ended: nothing left to retry or cancel, so no button offers it.
    expect(await page.getByRole('button', { name: 'Cancel saga' }).count()).toBe(0);
    await textOf(page.locator('section[aria-labelledby="saga-audit"] tr[data-action="saga.cancel"]'), /202/);
    await screenshot(page, 'saga-cancelled', { forDocs: true });
  });

  it('a poison message parked as inventory’s dead letter is redriven from the console: back on its topic once', async () => {
    // A ReserveStock whose envelope is sound (so it can be redriven) and whose payload is not: inventory cannot
    // decode it and parks it. Redriven, it is consumed again and parked again: one new dead letter, not two.
    const messageId = randomUUID();
    const orderId = `ORD-POISON-${messageId.slice(0, 8)}`;
    const envelope = {
      messageId,
      type: 'ReserveStock',
      correlationId: orderId,
      causationId: null,
      occurredAt: new Date().toISOString(),
      requestId: 'console-e2e-poison',
      traceparent: null,
      payload: { orderId, items: 'not a list of items' },
    };
    const producer = new Kafka({ clientId: 'console-e2e', brokers: system.address.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: TOPICS.inventory.reserveStockCommand, messages: [{ key: orderId, value: JSON.stringify(envelope) }] });
    } finally {
      await producer.disconnect();
    }

    await menu('Dead letters').click();
    await textOf(heading(), /^Dead letters$/);
    await page.getByLabel('Service', { exact: true }).selectOption('inventory-service');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.locator(`tr[data-message-id="${messageId}"]`);
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBe(1);
    const parked = rows.first();
    const id = (await parked.getAttribute('data-dead-letter-id')) ?? '';
    expect(await parked.textContent()).toMatch(/inventory\.reserve-stock.*ReserveStock/);
    await parked.locator('summary').click();
    expect(await parked.locator('pre').last().textContent()).toContain('not a list of items');
    await screenshot(page, 'dead-letters', { forDocs: true });

    await parked.getByRole('button', { name: `Redrive dead letter ${id}` }).click();
    const dialog = page.getByRole('dialog', { name: `Redrive dead letter ${id} of inventory-service?` });
    await dialog.getByLabel(/Reason/).fill('payload fixed upstream, try again');
    await dialog.getByRole('button', { name: 'Redrive it' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await textOf(page.getByRole('status'), new RegExp(`Dead letter ${id} redriven by ${OPERATOR.username}`));

    await page.getByLabel('Status', { exact: true }).selectOption('any');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await textOf(page.locator('h2#dead-letters-found'), /any status/);
    const settled = await pollUntil(
      async () => {
        const found = await rows.evaluateAll((elements) =>
          elements.map((element) => ({ id: element.getAttribute('data-dead-letter-id'), text: element.textContent ?? '' })),
        );
        return found.length === 2 ? found : undefined;
      },
      { timeoutMs: 30_000, description: 'the redriven message parked again, once' },
    );
    const redriven = settled.find((row) => row.id === id);
    const again = settled.find((row) => row.id !== id);
    expect(redriven?.text).toContain(`redriven by ${OPERATOR.username}: “payload fixed upstream, try again”`);
    expect(again?.text).toMatch(/parked/);
    expect(Number(again?.id)).toBeGreaterThan(Number(id));
  });

  it('a failed webhook delivery is resent from the console: one more attempt, same event, now answered, the order’s page lists it, the overview’s success rate follows', async () => {
    const receiver = new WebhookRecorder();
    receiver.status = 503;
    const url = await receiver.start();
    try {
      await system.api.registerWebhook({ url: `${url}/hooks`, event_types: ['order.created'], description: 'console-e2e receiver' });
      const productId = await system.seed.product({ available: 10 });
      const placed = await system.api.placeOrder({ customer_id: customerId, items: [{ product_id: productId, quantity: 1 }], shipping_address: SHIPPING });
      expect(placed.status).toBe(201);
      await pollUntil(async () => (receiver.requests.length === 1 ? true : undefined), { timeoutMs: 30_000, description: 'the first attempt' });
      // The overview counts the delivery under its status now: failed, so none of one succeeded.
      await menu('Overview').click();
      await textOf(page.locator('[data-figure="webhook-deliveries"]'), /^0 succeeded, 1 failed, 0 pending$/);
      expect(await page.locator('[data-figure="webhook-success"]').textContent()).toBe('0%');

      await menu('Webhooks').click();
      await textOf(heading(), /^Webhooks$/);
      await page.getByLabel('Order id', { exact: true }).fill(placed.order.order_id);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      const failed = page.locator('tr[data-delivery-id][data-status="failed"]');
      await failed.waitFor({ timeout: 30_000 });
      const deliveryId = (await failed.getAttribute('data-delivery-id')) ?? '';
      expect(await failed.textContent()).toContain('order.created');
      await screenshot(page, 'webhooks', { forDocs: true });

      receiver.status = 204;
      await failed.getByRole('button', { name: `Resend delivery ${deliveryId}` }).click();
      const dialog = page.getByRole('dialog', { name: `Resend delivery ${deliveryId}?` });
      await dialog.getByLabel(/Reason/).fill('receiver fixed, customer asked for the event');
      await dialog.getByRole('button', { name: 'Resend it' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await textOf(page.getByRole('status'), new RegExp(`Resend taken: 1 delivery queued \\(${deliveryId}\\)`));
      await page.locator(`tr[data-delivery-id="${deliveryId}"][data-status="succeeded"]`).waitFor({ timeout: 30_000 });

      expect(receiver.requests).toHaveLength(2);
      const eventIds = receiver.requests.map((request) => request.headers[WEBHOOK_HEADERS.id.toLowerCase()]);
      expect(eventIds[1]).toBe(eventIds[0]);

      // The order's own page lists the same delivery, now answered, among the saga's facts.
      await page.locator(`tr[data-delivery-id="${deliveryId}"]`).getByRole('link', { name: placed.order.order_id }).click();
      await textOf(heading(), new RegExp(`Saga ${placed.order.order_id}`));
      const ofTheOrder = page.getByRole('region', { name: 'Webhook deliveries of this order' });
      await ofTheOrder.locator(`tr[data-delivery-id="${deliveryId}"][data-status="succeeded"]`).waitFor({ timeout: 30_000 });

      // Resent and answered, the same delivery now counts as succeeded: the overview's rate is 100%. The poison
      // message redriven earlier was parked again, and inventory's depth counts it exactly. (The payment-service
      // started again above listens on another port than the gateway's, so its depth is "not read".)
      await menu('Overview').click();
      await textOf(page.locator('[data-figure="webhook-deliveries"]'), /^1 succeeded, 0 failed, 0 pending$/);
      expect(await page.locator('[data-figure="webhook-success"]').textContent()).toBe('100%');
      await textOf(page.locator('[data-figure="dead-letters-by-service"]'), /^inventory-service 1\b/);
      expect(await page.locator('svg.chart rect.fill-delivery-succeeded').count()).toBe(1);
      await screenshot(page, 'overview-webhooks', { forDocs: false });
    } finally {
      await receiver.stop();
    }
  });

  it('the stuck & failed page lists the failed sagas, and the audit log every action of the operator, newest first', async () => {
    await menu('Stuck & failed').click();
    const failed = page.locator('[data-section="failed"] tbody tr');
    await textOf(page.locator('[data-section="failed"] h2'), /Failed.* 3$/);
    expect((await failed.allTextContents()).join(' ')).toMatch(/COMPENSATED.*REJECTED.*CANCELLED/);
    await screenshot(page, 'stuck-and-failed', { forDocs: true });

    await menu('Audit log').click();
    await textOf(heading(), /^Audit log$/);
    const actions = await pollUntil(
      async () => {
        const rows = await page.locator('tbody tr').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-action')));
        return rows.includes('webhook.resend') ? rows : undefined;
      },
      { description: 'the resend in the audit log' },
    );
    expect(actions.slice(0, 4)).toEqual(['webhook.resend', 'dead-letter.redrive', 'saga.cancel', 'sign-in']);
    await page.getByLabel('Action', { exact: true }).selectOption('saga.cancel');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await textOf(page.locator('tbody tr').first(), new RegExp(`${OPERATOR.username}saga\\.cancelORD-\\w+202`));
    await screenshot(page, 'audit-log', { forDocs: true });
  });

  it('an API client’s token gets 403 on an operator route, from the console’s own page (session cookie and all)', async () => {
    const token = await system.token();
    const answer = await page.evaluate(async (bearer) => {
      const response = await fetch('/api/v1/operator/sagas', { headers: { authorization: `Bearer ${bearer}` }, credentials: 'same-origin' });
      return { status: response.status, body: (await response.json()) as { error_code: string } };
    }, token);

    expect(answer.status).toBe(403);
    expect(answer.body.error_code).toBe('FORBIDDEN');
  });

  it('reads at 390 px wide: no sideways scrolling, the tables become cards, the timeline list readable', async () => {
    await page.setViewportSize(NARROW);
    for (const [path, name] of [
      [`/sagas/${confirmedOrder}`, 'saga-timeline-390'],
      ['/sagas?state=failed', 'sagas-390'],
      ['/', 'overview-390'],
    ]) {
      await page.goto(consoleUrl(path));
      await heading().waitFor();
      await page.locator('main .card, main .tiles').first().waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(NARROW.width);
      await screenshot(page, name);
    }
    await page.setViewportSize(WIDE);
  });

  it('is usable from the keyboard: a skip link first, then the menu, each control with a visible focus', async () => {
    await page.goto(consoleUrl('/'));
    await heading().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to the content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Overview');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
  });

  it('signs out: the gateway ends the session and the sign-in comes back', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username', { exact: true }).waitFor();
    const session = await page.evaluate(async () => (await fetch('/api/v1/operator/session', { credentials: 'same-origin' })).status);
    expect(session).toBe(401);
  });
});
