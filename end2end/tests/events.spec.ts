// The events owed to Orange: the list with counts and filters, one event with its payload and
// timeline, resend and retry now, bulk resend after seeing the count, pause and resume, the
// delivery settings (the secret is never shown back) with a delivery to a mock Orange, and what
// support may not do. Every spec runs hydrated and with JavaScript off.
//
// The events are made the way Orange makes them: through the Orange API in asynchronous mode
// (a licence order, a state change, a task changing two licences' offering), each completion
// writing its event to the outbox. Delivery stays unconfigured except inside the mock-Orange test,
// which configures it and puts it back, so the events wait as `pending` everywhere else.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type APIRequestContext, type APIResponse, type Locator, type Page, request as playwrightRequest } from '@playwright/test';
import { ADMIN, type Console, expect, expectFormPostsTo, field, saveScreenshot, SUPPORT, test, urlIs } from './fixtures';

const BASE_URL = `http://127.0.0.1:${process.env.FLEETDESK_E2E_PORT ?? '3210'}`;
const PO_EVENT = 'productOrderStateChangeEvent';
const US_STATE_EVENT = 'userServiceStateChangeEvent';
const US_ATTR_EVENT = 'userServiceAttributeValueChangeEvent';
const SECRET = 'e2e-orange-client-secret-value-7f3a';

/** What the seeding made, per project. */
interface Seeded {
  orderId: string;
  orderRef: string;
  /** Three licences: the first suspended, the other two moved to another offering by a task. */
  licences: string[];
  taskRef: string;
}

let seeded: Seeded;

function formWithButton(page: Page, name: string | RegExp): Locator {
  return page.locator('form').filter({ has: page.getByRole('button', { name, exact: true }) });
}

function rowWith(page: Page, text: string): Locator {
  return page.locator('tbody tr').filter({ hasText: text });
}

function heading(page: Page, name: string | RegExp): Locator {
  return page.getByRole('heading', { level: 1, name });
}

function today(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Posts a console form as the signed-in context; expects the redirect back. */
async function postForm(
  context: APIRequestContext,
  path: string,
  form: Record<string, string>,
  status = 303,
): Promise<APIResponse> {
  const response = await context.post(path, { form, maxRedirects: 0 });
  expect(response.status(), `POST ${path}`).toBe(status);
  return response;
}

/** The answer modes of the Orange settings form: asynchronous where `async` says so. */
async function setModes(context: APIRequestContext, asynchronous: boolean): Promise<void> {
  const mode = asynchronous ? 'async' : 'sync';
  await postForm(context, '/console/settings/orange', {
    customer_creation: 'sync',
    licence_order: mode,
    state_change: mode,
    deletion: 'sync',
    offering_change: mode,
    fleet_policy: 'perCustomer',
    exchange_retention_days: '30',
  });
}

/** Makes four events through the Orange API in asynchronous mode. */
async function seedEvents(tag: string): Promise<Seeded> {
  // A form post from the console's own pages carries their origin, as a browser's does.
  const admin = await playwrightRequest.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { origin: BASE_URL } });
  await postForm(admin, '/auth/login', { login: ADMIN.login, password: ADMIN.password, next: '/' });
  // The answer to issuing is the page showing the secret, once.
  const page = await (await postForm(admin, '/settings/credentials', { label: `Events ${tag}` }, 200)).text();
  const secret = /data-testid="issued-secret"[^>]*>([^<]+)</.exec(page)?.[1];
  expect(secret, 'the issued secret').toBeTruthy();
  const offers = [`EVT-A-${tag}`, `EVT-B-${tag}`];
  for (const code of offers) {
    await postForm(admin, '/console/offerings', {
      offer_code: code,
      name: `Events ${code}`,
      resource_type: 'none',
      resource_scope: 'per_licence',
      login_format: '',
    });
  }
  const orange = await playwrightRequest.newContext({
    baseURL: BASE_URL,
    extraHTTPHeaders: { Authorization: `Bearer ${secret}` },
  });
  const orderRef = `OBA-ORD-${tag}`;
  const taskRef = `OBA-TSK-${tag}`;
  await setModes(admin, true);
  try {
    const customer = await orange.post('/orange/v2/productOrder', {
      data: {
        externalReference: { type: 'orange', id: `OBA-CUS-ORD-${tag}` },
        customer: { externalReference: { type: 'orange', id: `OBA-CUS-${tag}` }, name: `Events ${tag} SARL` },
      },
    });
    expect(customer.status(), await customer.text()).toBe(201);
    const customerId = (await customer.json()).customer.id as string;

    const ordered = await orange.post('/orange/v2/productOrder', {
      data: {
        externalReference: { type: 'orange', id: orderRef },
        customer: { id: customerId },
        orderItem: [
          {
            id: '1',
            action: 'add',
            productOffering: { name: 'Events', externalReference: { type: 'orange', id: offers[0] } },
            productRef: { userServiceQuantity: 3 },
          },
        ],
      },
    });
    expect(ordered.status(), await ordered.text()).toBe(201);
    const orderId = (await ordered.json()).id as string;
    let order: { state: string; orderItem?: { productRef: { userService: { id: string }[] } }[] } = { state: '' };
    await expect
      .poll(async () => {
        order = await (await orange.get(`/orange/v2/productOrder/${orderId}`)).json();
        return order.state;
      })
      .toBe('completed');
    const licences = (order.orderItem?.[0]?.productRef.userService ?? []).map((licence) => licence.id);
    expect(licences).toHaveLength(3);

    const suspended = await orange.patch(`/orange/v2/userService/${licences[0]}`, { data: { state: 'suspended' } });
    expect(suspended.status(), await suspended.text()).toBe(202);
    const task = await orange.post('/orange/v2/userServiceTask', {
      data: {
        externalReference: { type: 'orange', id: taskRef },
        action: 'changeOffering',
        productOffering: { externalReference: { type: 'orange', id: offers[1] } },
        userService: [{ id: licences[1] }, { id: licences[2] }],
      },
    });
    expect(task.status(), await task.text()).toBe(201);
    const taskId = (await task.json()).id as string;
    await expect
      .poll(async () => (await (await orange.get(`/orange/v2/userService/${licences[0]}`)).json()).state)
      .toBe('suspended');
    await expect
      .poll(async () => (await (await orange.get(`/orange/v2/userServiceTask/${taskId}`)).json()).state)
      .toBe('completed');
    return { orderId, orderRef, licences, taskRef };
  } finally {
    // Back to the defaults, so that the other specs start from them.
    await setModes(admin, false);
    await orange.dispose();
    await admin.dispose();
  }
}

/** A stand-in for Orange: a token endpoint, and event resources that answer 503 to an event's
 * first POST and 201 afterwards, recording what they were sent. */
interface MockOrange {
  url: string;
  tokenRequests: { authorization: string; body: string }[];
  eventRequests: { path: string; authorization: string; eventId: string }[];
  close(): Promise<void>;
}

async function startMockOrange(): Promise<MockOrange> {
  const seen = new Set<string>();
  const tokenRequests: MockOrange['tokenRequests'] = [];
  const eventRequests: MockOrange['eventRequests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const authorization = req.headers.authorization ?? '';
      if (req.method === 'POST' && req.url === '/oauth/token') {
        tokenRequests.push({ authorization, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'mock-orange-token', token_type: 'bearer', expires_in: 600 }));
        return;
      }
      if (req.method === 'POST' && req.url?.startsWith('/events/')) {
        let eventId = '';
        try {
          eventId = JSON.parse(body).eventId ?? '';
        } catch {
          // Recorded with an empty id; the assertions below notice.
        }
        eventRequests.push({ path: req.url, authorization, eventId });
        if (!seen.has(eventId)) {
          seen.add(eventId);
          res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', 'x-orange-trace': 'mock-1' });
          res.end(JSON.stringify({ code: 'SERVICE_UNAVAILABLE', message: 'Orange is busy, try again' }));
        } else {
          res.writeHead(201, { 'content-type': 'application/json', 'x-orange-trace': 'mock-2' });
          res.end(JSON.stringify({ status: 'received', eventId }));
        }
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokenRequests,
    eventRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Opens the page of the one event the list shows for `resource` and `eventType`; returns its id. */
async function openEvent(app: Console, page: Page, resource: string, eventType: string): Promise<string> {
  await app.visit(`/events?resource=${encodeURIComponent(resource)}&event_type=${eventType}`);
  const row = rowWith(page, eventType);
  await expect(row).toHaveCount(1);
  const link = row.getByRole('link', { name: /^evt_/ });
  const id = ((await link.textContent()) ?? '').trim();
  await link.click();
  await expect(page).toHaveURL(urlIs(`/events/${id}`));
  await expect(heading(page, id)).toBeVisible();
  await app.settle();
  return id;
}

test.describe('events to Orange', () => {
  test.beforeAll(async ({}, testInfo) => {
    test.setTimeout(90_000);
    const project = testInfo.project.name.replace(/[^a-z0-9]/gi, '').toUpperCase();
    seeded = await seedEvents(`${project}-${Date.now().toString(36).toUpperCase()}`);
  });

  test('the list counts events by state and filters them', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/events'));
    await expect(heading(page, 'Events to Orange')).toBeVisible();
    await app.settle();
    for (const state of ['pending', 'delivering', 'delivered', 'failed']) {
      await expect(page.getByTestId(`count-${state}`)).toContainText(/\d+/);
    }
    expect(Number(await page.locator('[data-testid="count-pending"] .card-value').textContent())).toBeGreaterThanOrEqual(4);
    await expect(page.getByTestId('delivery-not-configured')).toContainText('Delivery is not configured.');
    await expect(page.getByRole('link', { name: 'Configure delivery', exact: true })).toHaveAttribute('href', '/settings/delivery');
    await expect(rowWith(page, seeded.orderId)).toContainText(PO_EVENT);
    await saveScreenshot(page, testInfo, 'events');

    // By resource: Orange's task reference (correlation id) finds the task's two events.
    let filter = page.getByRole('main').getByRole('search');
    await expect(filter).toHaveAttribute('method', 'get');
    await field(filter, 'Resource').fill(seeded.taskRef);
    await filter.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/events', { resource: seeded.taskRef }));
    await expect(page.locator('tbody tr')).toHaveCount(2);
    await app.settle();
    for (const licence of seeded.licences.slice(1)) {
      await expect(rowWith(page, licence)).toContainText(US_ATTR_EVENT);
      await expect(rowWith(page, licence)).toContainText('pending');
    }

    // By licence and type.
    filter = page.getByRole('main').getByRole('search');
    await field(filter, 'Resource').fill(seeded.licences[0]);
    await field(filter, 'Event type').selectOption(US_STATE_EVENT);
    await filter.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/events', { resource: seeded.licences[0], event_type: US_STATE_EVENT }));
    await expect(page.locator('tbody tr')).toHaveCount(1);
    await expect(rowWith(page, seeded.licences[0])).toContainText('Licence state change');
    await app.settle();
    await expect(field(page.getByRole('main').getByRole('search'), 'Event type')).toHaveValue(US_STATE_EVENT);

    // By state and days: today includes the order's event, tomorrow nothing.
    filter = page.getByRole('main').getByRole('search');
    await field(filter, 'Resource').fill(seeded.orderId);
    await field(filter, 'Event type').selectOption('');
    await field(filter, 'State').selectOption('pending');
    await field(filter, 'From').fill(today());
    await field(filter, 'To').fill(today());
    await filter.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/events', { state: 'pending', resource: seeded.orderId, from: today(), to: today() }));
    await expect(rowWith(page, seeded.orderId)).toContainText(PO_EVENT);
    await app.settle();
    filter = page.getByRole('main').getByRole('search');
    await field(filter, 'From').fill(today(1));
    await field(filter, 'To').fill(today(1));
    await filter.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect(page.getByText('No event matches these filters.')).toBeVisible();
    await app.settle();

    await page.getByRole('link', { name: 'Clear', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/events'));
    await expect(rowWith(page, seeded.orderId)).toBeVisible();
  });

  test('an event shows its payload; retry now and resend make it due again', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    const id = await openEvent(app, page, seeded.orderId, PO_EVENT);
    await expect(page.getByTestId('payload')).toContainText(`"eventId": "${id}"`);
    await expect(page.getByTestId('payload')).toContainText(`"eventType": "${PO_EVENT}"`);
    await expect(page.getByTestId('payload')).toContainText(`"id": "${seeded.orderRef}"`);
    await expect(page.getByRole('link', { name: seeded.orderRef, exact: true })).toBeVisible();
    await expect(page.getByText('No attempt yet.')).toBeVisible();

    const retry = formWithButton(page, 'Retry now');
    await expectFormPostsTo(retry, `/console/events/${id}/retry`);
    await retry.getByRole('button', { name: 'Retry now', exact: true }).click();
    await expect(app.status(`Event ${id} will be tried now.`)).toBeVisible();
    await expect(app.status('Delivery is not configured yet')).toBeVisible();
    await expect(page).toHaveURL(urlIs(`/events/${id}`));
    await app.settle();

    const resend = formWithButton(page, 'Resend');
    await expectFormPostsTo(resend, `/console/events/${id}/resend`);
    await resend.getByLabel('I understand Orange receives this event again').check();
    await resend.getByRole('button', { name: 'Resend', exact: true }).click();
    await expect(app.status(`Event ${id} will be sent again.`)).toBeVisible();
    await app.settle();
    await expect(page.locator('.event-subtitle')).toContainText('pending');
    await saveScreenshot(page, testInfo, 'event');

    // Both actions are in the audit log under the administrator.
    await app.visit('/');
    await expect(page.getByRole('row').filter({ hasText: 'event.resend' }).filter({ hasText: id })).toHaveCount(1);
    await expect(page.getByRole('row').filter({ hasText: 'event.retry_now' }).filter({ hasText: id })).toHaveCount(1);
  });

  test('a bulk resend shows how many events match, then resends them', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await app.visit(`/events?resource=${encodeURIComponent(seeded.taskRef)}`);
    await page.getByRole('link', { name: 'Resend matching…', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/events/resend', { resource: seeded.taskRef }));
    await expect(heading(page, 'Resend events')).toBeVisible();
    await expect(page.getByTestId('bulk-count')).toHaveText('This will resend 2 events.');
    await expect(page.getByTestId('bulk-filter')).toContainText(seeded.taskRef);
    await app.settle();
    await saveScreenshot(page, testInfo, 'events-resend');

    const form = formWithButton(page, 'Resend 2 events');
    await expectFormPostsTo(form, '/console/events/resend');
    await form.getByLabel('I understand Orange receives these events again').check();
    await form.getByRole('button', { name: 'Resend 2 events', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/events', { resource: seeded.taskRef }));
    await expect(app.status('2 events will be sent again.')).toBeVisible();
    await app.settle();
    await expect(page.locator('tbody tr')).toHaveCount(2);

    // Cancel goes back to the filtered list without resending.
    await app.visit(`/events/resend?resource=${encodeURIComponent(seeded.licences[0])}`);
    await expect(page.getByTestId('bulk-count')).toHaveText('This will resend 1 event.');
    await page.getByRole('link', { name: 'Cancel', exact: true }).click();
    await expect(page).toHaveURL(urlIs('/events', { resource: seeded.licences[0] }));
    await expect(page.getByRole('status')).toHaveCount(0);
  });

  test('pausing shows a banner until delivery is resumed', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);
    await app.visit('/events');
    const pause = formWithButton(page, 'Pause delivery');
    await expectFormPostsTo(pause, '/console/delivery/pause');
    await pause.getByRole('button', { name: 'Pause delivery', exact: true }).click();
    await expect(app.status('Delivery paused: nothing is sent to Orange until it is resumed.')).toBeVisible();
    await expect(page.getByTestId('delivery-paused')).toContainText('Delivery is paused.');
    await app.settle();
    await saveScreenshot(page, testInfo, 'events-paused');

    // The event pages say so too.
    await openEvent(app, page, seeded.orderId, PO_EVENT);
    await expect(page.getByTestId('delivery-paused')).toBeVisible();

    await app.visit('/events');
    const resume = formWithButton(page, 'Resume delivery');
    await expectFormPostsTo(resume, '/console/delivery/resume');
    await resume.getByRole('button', { name: 'Resume delivery', exact: true }).click();
    await expect(app.status('Delivery resumed.')).toBeVisible();
    await app.settle();
    await expect(page.getByTestId('delivery-paused')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Pause delivery', exact: true })).toBeVisible();
  });

  test('admin saves the delivery settings without the secret ever shown back, and events reach Orange', async ({ app, page }, testInfo) => {
    test.slow(); // waits for real deliveries, a failed first attempt included
    const mock = await startMockOrange();
    try {
      await app.signIn(ADMIN);
      await page.getByRole('link', { name: 'Delivery settings', exact: true }).click();
      await expect(page).toHaveURL(urlIs('/settings/delivery'));
      await expect(heading(page, 'Delivery settings')).toBeVisible();
      await app.settle();
      await expect(page.getByTestId('secret-state')).toHaveText('(not set)');
      await expect(page.getByTestId('default-retry-delays')).toHaveText('30, 120, 600, 1800, 7200, 21600, 43200');

      let form = formWithButton(page, 'Save delivery settings');
      await expectFormPostsTo(form, '/console/settings/delivery');
      await field(form, 'productOrder events URL').fill(`${mock.url}/events/productOrder`);
      await field(form, 'userService events URL').fill(`${mock.url}/events/userService`);
      await field(form, 'Token URL').fill(`${mock.url}/oauth/token`);
      await field(form, 'Client id').fill('fleetdesk-e2e');
      await field(form, 'Client secret').fill(SECRET);
      await field(form, 'Scope').fill('events');
      await field(form, 'Request timeout (seconds)').fill('5');
      await field(form, 'Retry schedule (seconds)').fill('1, 1, 1');
      await field(form, 'Paused').check();
      await form.getByRole('button', { name: 'Save delivery settings', exact: true }).click();
      await expect(app.status('Delivery settings saved.')).toBeVisible();
      await app.settle();
      form = formWithButton(page, 'Save delivery settings');
      await expect(page.getByTestId('secret-state')).toHaveText('(set)');
      await expect(field(form, 'Client secret')).toHaveValue('');
      await expect(field(form, 'Client id')).toHaveValue('fleetdesk-e2e');
      await expect(field(form, 'Retry schedule (seconds)')).toHaveValue('1, 1, 1');
      await expect(field(form, 'Paused')).toBeChecked();
      await expect(page.getByTestId('delivery-state')).toContainText('Configured, paused.');
      expect(await page.content(), 'the secret is never sent back').not.toContain(SECRET);
      await saveScreenshot(page, testInfo, 'delivery-settings');

      // Checked on the server: a token URL that is not http(s) is refused and nothing changes.
      await field(form, 'Token URL').fill('ftp://orange.example/token');
      await form.getByRole('button', { name: 'Save delivery settings', exact: true }).click();
      await expect(app.alert('The delivery settings were not saved:')).toBeVisible();
      await expect(app.alert('The token URL must start with https://')).toBeVisible();
      await app.settle();
      await expect(field(formWithButton(page, 'Save delivery settings'), 'Token URL')).toHaveValue(`${mock.url}/oauth/token`);
      await expect(page.getByTestId('secret-state')).toHaveText('(set)');

      // Resumed, the worker delivers: a 503 first, then Orange has it.
      await app.visit('/events');
      await expect(page.getByTestId('delivery-not-configured')).toHaveCount(0);
      await page.getByRole('button', { name: 'Resume delivery', exact: true }).click();
      await expect(app.status('Delivery resumed: due events go out now.')).toBeVisible();
      await app.settle();
      const id = await openEvent(app, page, seeded.orderId, PO_EVENT);
      await expect
        .poll(
          async () => {
            await app.visit(`/events/${id}`);
            return (await page.locator('.event-subtitle .badge').textContent())?.trim();
          },
          { timeout: 60_000, intervals: [500, 1_000, 2_000] },
        )
        .toBe('delivered');
      const first = page.getByTestId('attempt-1');
      const last = page.locator('[data-testid^="attempt-"]').last();
      await expect(first).toContainText('will retry');
      await expect(first).toContainText('503');
      await expect(first).toContainText('Orange is busy, try again');
      await expect(first).toContainText('authorization: Bearer ***');
      await expect(first).toContainText(`${mock.url}/events/productOrder`);
      await expect(last).toContainText('delivered');
      await expect(last).toContainText('201');
      await expect(last).toContainText('"status": "received"');
      await expect(last).toContainText('x-orange-trace: mock-2');
      expect(await page.content()).not.toContain('mock-orange-token');
      await saveScreenshot(page, testInfo, 'event-timeline');

      // What Orange saw: a client-credentials token request with the stored secret, then the event
      // with that token, the same eventId on both tries.
      const basic = `Basic ${Buffer.from(`fleetdesk-e2e:${SECRET}`).toString('base64')}`;
      expect(mock.tokenRequests.length).toBeGreaterThanOrEqual(1);
      expect(mock.tokenRequests[0].authorization).toBe(basic);
      expect(new URLSearchParams(mock.tokenRequests[0].body).get('grant_type')).toBe('client_credentials');
      expect(new URLSearchParams(mock.tokenRequests[0].body).get('scope')).toBe('events');
      const tries = mock.eventRequests.filter((request) => request.eventId === id);
      expect(tries.length).toBeGreaterThanOrEqual(2);
      for (const request of tries) {
        expect(request.path).toBe('/events/productOrder');
        expect(request.authorization).toBe('Bearer mock-orange-token');
      }
    } finally {
      // Unconfigured again, so that the other tests and the next project find events waiting
      // (not asserted here, so that a failure above is the one reported).
      await page.request.post('/console/settings/delivery', {
        form: { timeout_seconds: '10', retry_delays: '', forget_secret: 'yes' },
        headers: { origin: new URL(page.url()).origin },
        maxRedirects: 0,
      });
      await mock.close();
    }
  });

  test('support reads the events but has no action, and the server refuses them', async ({ app, page }) => {
    await app.signIn(SUPPORT);
    await expect(page.getByRole('link', { name: 'Events', exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Delivery settings', exact: true })).toHaveCount(0);

    const list = await app.visit('/events');
    expect(list?.status()).toBe(200);
    await expect(heading(page, 'Events to Orange')).toBeVisible();
    await expect(rowWith(page, seeded.orderId)).toBeVisible();
    await expect(page.getByRole('button', { name: /^(Pause|Resume) delivery$/ })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Resend matching…', exact: true })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Configure delivery', exact: true })).toHaveCount(0);

    const id = await openEvent(app, page, seeded.licences[0], US_STATE_EVENT);
    const state = (await page.locator('.event-subtitle .badge').textContent())?.trim();
    await expect(page.getByRole('button', { name: /^(Resend|Retry now)$/ })).toHaveCount(0);
    await expect(page.locator('form[action^="/console/"]')).toHaveCount(0);

    for (const path of [`/events/resend?resource=${seeded.licences[0]}`, '/settings/delivery']) {
      const response = await app.visit(path);
      expect(response?.status(), `HTTP status of ${path} for support`).toBe(403);
      await expect(app.alert('You do not have permission')).toBeVisible();
      await expect(page.getByTestId('bulk-count')).toHaveCount(0);
      await expect(page.locator('form[action^="/console/"]')).toHaveCount(0);
    }

    for (const [path, form] of [
      [`/console/events/${id}/resend`, { confirm: 'yes' }],
      [`/console/events/${id}/retry`, {}],
      ['/console/events/resend', { resource: seeded.licences[0], confirm: 'yes' }],
      ['/console/delivery/pause', {}],
      ['/console/settings/delivery', { timeout_seconds: '5' }],
    ] as const) {
      const response = await page.request.post(path, { form: { ...form }, maxRedirects: 0 });
      expect(response.status(), `POST ${path} by support`).toBe(403);
    }
    await app.visit(`/events/${id}`);
    await expect(page.locator('.event-subtitle .badge')).toHaveText(state ?? '');
    await expect(page.getByTestId('delivery-paused')).toHaveCount(0);
  });
});
