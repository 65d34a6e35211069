// Shared fixtures and helpers for the Fleetdesk specs. Every helper works in both projects:
// with JavaScript (wait for hydration via `networkidle`) and without (plain form posts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  expect,
  request as playwrightRequest,
  test as base,
  type APIResponse,
  type Locator,
  type Page,
  type TestInfo,
} from '@playwright/test';

export { expect };

export interface Account {
  login: string;
  password: string;
  displayName: string;
  role: 'admin' | 'operator' | 'support';
}

/** Created by the server on first start (FLEETDESK_BOOTSTRAP_ADMIN_*). */
export const ADMIN: Account = {
  login: 'admin',
  password: 'e2e-admin-password-1',
  displayName: 'Administrator',
  role: 'admin',
};

/** Created by start-server.sh through `fleetdesk operator create`. */
export const SUPPORT: Account = {
  login: 'support1',
  password: 'e2e-support-password-1',
  displayName: 'Support One',
  role: 'support',
};

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'screenshots');

/**
 * A login nobody else uses: unique per test, per project and per run, so the two projects
 * never share an account or its failure counter. Lower-case letters, digits and '-';
 * with a prefix of at most 6 characters it stays within 24 characters.
 */
export function uniqueLogin(prefix: string, testInfo: TestInfo): string {
  const project = testInfo.project.name.replace(/[^a-z0-9]/gi, '').toLowerCase();
  const stamp = Date.now().toString(36);
  return `${prefix}-${project}-${stamp}`;
}

/** Full-page screenshot for reviewers: screenshots/<project>-<name>.png. */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // A picture is a record, not a check: one Chromium takes too long to render (seen once on a
  // loaded machine) is skipped with a warning rather than spending the test's whole time.
  await page
    .screenshot({
      path: path.join(SCREENSHOT_DIR, `${testInfo.project.name}-${name}.png`),
      fullPage: true,
      timeout: 10_000,
    })
    .catch((error: Error) => console.warn(`screenshot ${name} skipped: ${error.message}`));
}

/** Where the README's pictures of the console live: the browser suite keeps them current. */
export const DOC_SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * Saves the page as the README shows it (`docs/screenshots/<name>.png`): the hydrated project
 * only, the visible part of the page at the suite's window size, so that the pictures stay small.
 */
export async function saveDocScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  if (testInfo.project.name !== 'hydrated') {
    return;
  }
  mkdirSync(DOC_SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(DOC_SCREENSHOT_DIR, `${name}.png`) });
}

/** Matches a URL on `pathname` and, if given, on decoded query parameters. */
export function urlIs(pathname: string, query: Record<string, string> = {}): (url: URL) => boolean {
  return (url) =>
    url.pathname === pathname &&
    Object.entries(query).every(([key, value]) => url.searchParams.get(key) === value);
}

/** Asserts that `form` is a plain HTML form POSTing to `pathname` (so it works without JavaScript). */
export async function expectFormPostsTo(form: Locator, pathname: string): Promise<void> {
  await expect(form).toHaveAttribute('method', /^post$/i);
  const action = await form.getAttribute('action');
  expect(action, 'form action').not.toBeNull();
  expect(new URL(action ?? '', form.page().url()).pathname).toBe(pathname);
}

/**
 * A form control by its label. Anchored at the start rather than exact: a control nested in its
 * <label> adds its own value to the label's text (a <select> its chosen option, an input the
 * text the server filled back in).
 */
export function field(scope: Locator, label: string): Locator {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return scope.getByLabel(new RegExp(`^\\s*${escaped}(\\s|$)`));
}

/**
 * Calls the Orange-facing API as Orange does, with the credential start-server.sh issued: specs
 * seed customers, orders and licences through the product's real entry point.
 */
export async function orange(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  pathname: string,
  body?: unknown,
): Promise<APIResponse> {
  const credential = readFileSync(path.resolve(__dirname, '..', '.state', 'orange-credential'), 'utf8').trim();
  const context = await playwrightRequest.newContext({
    baseURL: `http://127.0.0.1:${process.env.FLEETDESK_E2E_PORT ?? '3210'}`,
    extraHTTPHeaders: {
      authorization: `Basic ${Buffer.from(credential).toString('base64')}`,
      'content-type': 'application/json',
    },
  });
  const response = await context.fetch(`/orange/v2${pathname}`, {
    method,
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.body();
  return response;
}

/**
 * Runs one SQL statement, with `?` parameters, on the test server's SQLite database (beside the
 * running server, as another process would). Only for what no interface can make on purpose:
 * work left half-done by a crash long ago, an event Orange refused for good.
 */
export function sql(statement: string, params: string[] = []): void {
  const database = readFileSync(path.resolve(__dirname, '..', '.state', 'database'), 'utf8').trim();
  const script = [
    'import sqlite3, sys, json',
    'db = sqlite3.connect(sys.argv[1], timeout=10)',
    'db.execute(sys.argv[2], json.loads(sys.argv[3]))',
    'db.commit()',
  ].join('\n');
  execFileSync('python3', ['-c', script, database, statement, JSON.stringify(params)]);
}

/** The form on the page that has a button named `name`. */
export function formWithButton(page: Page, name: string): Locator {
  return page.locator('form').filter({ has: page.getByRole('button', { name, exact: true }) });
}

/** As an administrator: every Orange operation asynchronous, from the Orange API settings page. */
export async function makeOrangeAsync(app: Console, page: Page): Promise<void> {
  await app.visit('/settings/orange');
  const form = formWithButton(page, 'Save settings');
  for (const operation of ['Customer creation', 'Licence order', 'State change', 'Deletion', 'Offering change']) {
    await field(form, operation).selectOption('async');
  }
  await form.getByRole('button', { name: 'Save settings', exact: true }).click();
  await expect(app.status('Orange API settings saved.')).toBeVisible();
  await app.settle();
}

/** As an administrator: adds an offering with this provisioning from the Offerings page. */
export async function addOffering(app: Console, page: Page, code: string, name: string, provisioning: string): Promise<void> {
  await app.visit('/offerings');
  const form = formWithButton(page, 'Add offering');
  await field(form, 'Offer code').fill(code);
  await field(form, 'Name').fill(name);
  await field(form, 'Provisioning').selectOption(provisioning);
  await form.getByRole('button', { name: 'Add offering', exact: true }).click();
  await expect(app.status(`Offering ${code} added.`)).toBeVisible();
  await app.settle();
}

/** A suffix unique to this test run and project, for Orange references and names. */
export function unique(testInfo: TestInfo): string {
  const project = testInfo.project.name.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return `${project}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

export class Console {
  constructor(
    readonly page: Page,
    readonly js: boolean,
  ) {}

  /**
   * Lets the page finish loading. With JavaScript the Leptos bundle must have hydrated before
   * we act: the console marks <body data-hydrated="true"> once it has. Without JavaScript the
   * mark must never appear (proof that the no-js project really runs without the bundle).
   * Call it after the new page is known to be there (an expect on URL or heading).
   */
  async settle(): Promise<void> {
    const hydrated = this.page.locator('body[data-hydrated="true"]');
    if (this.js) {
      await expect(hydrated).toHaveCount(1);
      await this.page.waitForLoadState('networkidle');
    } else {
      await expect(hydrated).toHaveCount(0);
    }
  }

  /** Navigates and waits for hydration (hydrated project) or the load event (no-js). */
  async visit(url: string) {
    const response = await this.page.goto(url, { waitUntil: this.js ? 'networkidle' : 'load' });
    await this.settle();
    return response;
  }

  // ----- login page -----

  loginForm(): Locator {
    return this.page.locator('form').filter({ has: this.page.getByRole('button', { name: 'Sign in', exact: true }) });
  }

  alert(text: string | RegExp): Locator {
    return this.page.getByRole('alert').filter({ hasText: text });
  }

  status(text: string | RegExp): Locator {
    return this.page.getByRole('status').filter({ hasText: text });
  }

  /** Fills and submits the login form on the current page; asserts nothing about the outcome. */
  async submitLogin(login: string, password: string): Promise<void> {
    const form = this.loginForm();
    await field(form, 'Username').fill(login);
    await field(form, 'Password').fill(password);
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** Opens /login, fails with `password`, and waits until the page shows an alert. */
  async failLogin(login: string, password: string, expected: string | RegExp): Promise<void> {
    await this.visit('/login');
    await this.submitLogin(login, password);
    await expect(this.alert(expected)).toBeVisible();
    await expect(this.page).toHaveURL(urlIs('/login'));
    await this.settle();
  }

  /** Signs in from /login and waits for the Overview page. */
  async signIn(account: Account): Promise<void> {
    await this.visit('/login');
    await this.submitLogin(account.login, account.password);
    await this.expectOverview(account);
  }

  async expectOverview(account: Account): Promise<void> {
    await expect(this.page).toHaveURL(urlIs('/'));
    await expect(this.page.getByRole('heading', { level: 1, name: 'Overview', exact: true })).toBeVisible();
    const who = this.page.getByTestId('current-operator');
    await expect(who).toContainText(account.displayName);
    await expect(who).toContainText(account.role);
    await this.settle();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(this.page).toHaveURL(urlIs('/login'));
    await expect(this.status('You have been signed out')).toBeVisible();
    await this.settle();
  }

  // ----- operators page -----

  addOperatorForm(): Locator {
    return this.page
      .locator('form')
      .filter({ has: this.page.getByRole('button', { name: 'Add operator', exact: true }) });
  }

  /**
   * A table cell reading exactly `login`. `.first()` because other columns may repeat the text
   * (the bootstrap admin's login "admin" is also its role); the generated logins are unique.
   */
  operatorCell(login: string): Locator {
    return this.page.getByRole('table').getByRole('cell', { name: login, exact: true }).first();
  }

  /** As a signed-in admin: creates an operator through the Add operator form on /operators. */
  async createOperator(account: Account): Promise<void> {
    await this.visit('/operators');
    const form = this.addOperatorForm();
    await field(form, 'Username').fill(account.login);
    await field(form, 'Display name').fill(account.displayName);
    await field(form, 'Role').selectOption(account.role);
    await field(form, 'Password').fill(account.password);
    await form.getByRole('button', { name: 'Add operator', exact: true }).click();
    await expect(this.status(`Operator ${account.login} created`)).toBeVisible();
    await expect(this.page).toHaveURL(urlIs('/operators'));
    await this.settle();
  }
}

export const test = base.extend<{ app: Console }>({
  app: async ({ page, javaScriptEnabled }, use) => {
    // Every page runs under a strict Content-Security-Policy: any violation it reports (an inline
    // script without the answer's nonce, a style or resource from elsewhere) fails the test.
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await use(new Console(page, javaScriptEnabled));
    expect(violations, 'Content-Security-Policy violations in the browser console').toEqual([]);
  },
});
