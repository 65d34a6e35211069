import {
  ADMIN,
  type Account,
  expect,
  expectFormPostsTo,
  field,
  saveScreenshot,
  test,
  uniqueLogin,
  urlIs,
} from './fixtures';

const INVALID = 'Invalid username or password';
const LOCKED = 'Too many failed attempts';

test.describe('sign-in', () => {
  test('a signed-out visitor is sent to the login page', async ({ app, page }, testInfo) => {
    await app.visit('/');
    await expect(page).toHaveURL(urlIs('/login', { next: '/' }));

    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Fleetdesk', exact: true })).toBeVisible();
    const form = app.loginForm();
    await expectFormPostsTo(form, '/auth/login');
    const username = field(form, 'Username');
    const password = field(form, 'Password');
    await expect(username).toHaveAttribute('name', 'login');
    await expect(password).toHaveAttribute('name', 'password');
    await expect(password).toHaveAttribute('type', 'password');
    await expect(form.locator('input[type="hidden"][name="next"]')).toHaveValue('/');
    await expect(page.getByTestId('current-operator')).toHaveCount(0);

    await saveScreenshot(page, testInfo, 'login');
  });

  test('wrong credentials show an alert and stay on the login page', async ({ app, page }, testInfo) => {
    // An unknown username and a known one with a wrong password read the same.
    await app.failLogin(uniqueLogin('ghost', testInfo), 'not-a-password-1', INVALID);
    await app.failLogin(ADMIN.login, 'wrong-password-1', INVALID);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Fleetdesk', exact: true })).toBeVisible();
    await expect(page.getByTestId('current-operator')).toHaveCount(0);

    // Still signed out.
    await app.visit('/');
    await expect(page).toHaveURL(urlIs('/login', { next: '/' }));

    // The right password still works afterwards (and ends the run of failures for admin).
    await app.submitLogin(ADMIN.login, ADMIN.password);
    await app.expectOverview(ADMIN);
  });

  test('pages carry a Content-Security-Policy whose fresh nonce is the one on their inline scripts', async ({ app, page }) => {
    const first = await page.request.get('/login');
    const second = await page.request.get('/login');
    const policy = first.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self' 'nonce-");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("frame-ancestors 'none'");
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? '';
    expect(nonce.length).toBeGreaterThanOrEqual(22);
    expect(second.headers()['content-security-policy']).not.toContain(nonce);
    const html = await first.text();
    const inline = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    expect(inline.length).toBeGreaterThan(0);
    for (const attributes of inline) expect(attributes).toContain(`nonce="${nonce}"`);

    // The console hydrates under that policy (the fixture fails the test on any violation).
    await app.visit('/login');
    await app.signIn(ADMIN);
  });

  test('the right credentials land on the Overview with the operator name', async ({ app, page }, testInfo) => {
    await app.signIn(ADMIN);

    const signOut = page.getByRole('button', { name: 'Sign out', exact: true });
    await expect(signOut).toBeVisible();
    await expectFormPostsTo(page.locator('form').filter({ has: signOut }), '/auth/logout');

    await saveScreenshot(page, testInfo, 'overview');
  });

  test('signing out shows a notice and protects pages again', async ({ app, page }) => {
    await app.signIn(ADMIN);
    await app.signOut();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Fleetdesk', exact: true })).toBeVisible();

    await app.visit('/');
    await expect(page).toHaveURL(urlIs('/login', { next: '/' }));
    await expect(page.getByTestId('current-operator')).toHaveCount(0);
  });

  test('the next parameter is honoured after signing in', async ({ app, page }) => {
    await app.visit('/operators');
    await expect(page).toHaveURL(urlIs('/login', { next: '/operators' }));
    await expect(app.loginForm().locator('input[type="hidden"][name="next"]')).toHaveValue('/operators');

    await app.submitLogin(ADMIN.login, ADMIN.password);
    await expect(page).toHaveURL(urlIs('/operators'));
    await expect(app.operatorCell(ADMIN.login)).toBeVisible();
    await expect(page.getByTestId('current-operator')).toContainText(ADMIN.displayName);
  });
});

test.describe('lock-out', () => {
  test('five failures in a row lock the account, even for the right password', async ({ app, page }, testInfo) => {
    test.slow(); // a dozen page loads, each login verifying a password hash

    const victim: Account = {
      login: uniqueLogin('lock', testInfo),
      password: 'e2e-throwaway-password-1',
      displayName: `Lock Test ${testInfo.project.name}`,
      role: 'operator',
    };
    await app.signIn(ADMIN);
    await app.createOperator(victim);
    await app.signOut();

    for (let attempt = 1; attempt <= 4; attempt++) {
      await test.step(`failure ${attempt}`, async () => {
        await app.failLogin(victim.login, `wrong-password-${attempt}`, INVALID);
      });
    }
    await test.step('failure 5', async () => {
      // The fifth failure may already report the lock; either message is fine here.
      await app.failLogin(victim.login, 'wrong-password-5', new RegExp(`${INVALID}|${LOCKED}`));
    });

    await test.step('the right password is refused while locked', async () => {
      await app.failLogin(victim.login, victim.password, LOCKED);
      await expect(page.getByTestId('current-operator')).toHaveCount(0);
      await app.visit('/');
      await expect(page).toHaveURL(urlIs('/login', { next: '/' }));
    });
  });
});
