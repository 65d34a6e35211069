import { ADMIN, type Account, expect, SUPPORT, test, uniqueLogin, urlIs } from './fixtures';

test.describe('roles', () => {
  test('support sees no Operators link and is refused the operators page', async ({ app, page }) => {
    await app.signIn(SUPPORT);
    await expect(page.getByRole('link', { name: 'Operators', exact: true })).toHaveCount(0);

    const response = await app.visit('/operators');
    expect(response?.status(), 'HTTP status of /operators for support').toBe(403);
    await expect(page).toHaveURL(urlIs('/operators'));
    await expect(app.alert('You do not have permission')).toBeVisible();
    await expect(app.addOperatorForm()).toHaveCount(0);
    await expect(app.operatorCell(ADMIN.login)).toHaveCount(0);
  });

  test('admin adds an operator, who can then sign in', async ({ app, page }, testInfo) => {
    test.slow(); // two sign-ins and a password hash on create

    await app.signIn(ADMIN);
    const nav = page.getByRole('link', { name: 'Operators', exact: true });
    await expect(nav).toHaveAttribute('href', '/operators');
    await nav.click();
    await expect(page).toHaveURL(urlIs('/operators'));
    await expect(app.operatorCell(ADMIN.login)).toBeVisible();
    await expect(app.operatorCell(SUPPORT.login)).toBeVisible();
    await app.settle();

    const created: Account = {
      login: uniqueLogin('new', testInfo),
      password: 'e2e-created-password-1',
      displayName: `New Operator ${testInfo.project.name}`,
      role: 'operator',
    };
    await app.createOperator(created);
    await expect(app.operatorCell(created.login)).toBeVisible();

    // Stored, not just shown: a fresh load of the page still lists it.
    await app.visit('/operators');
    await expect(app.operatorCell(created.login)).toBeVisible();

    // The new account works and, not being an admin, gets no Operators link.
    await app.signOut();
    await app.signIn(created);
    await expect(page.getByRole('link', { name: 'Operators', exact: true })).toHaveCount(0);
  });

  test('admin disables an operator, who can no longer sign in, then enables them again', async ({ app, page }, testInfo) => {
    test.slow(); // several sign-ins, each with a password hash
    const operator: Account = {
      login: uniqueLogin('off', testInfo),
      password: 'e2e-disabled-password-1',
      displayName: `Paused Operator ${testInfo.project.name}`,
      role: 'operator',
    };
    await app.signIn(ADMIN);
    await app.createOperator(operator);
    await page.getByRole('button', { name: `Disable ${operator.login}`, exact: true }).click();
    await expect(app.status(`Operator ${operator.login} disabled.`)).toBeVisible();
    await expect(page.getByTestId(`operator-${operator.login}`)).toContainText('disabled');
    await app.settle();
    await app.signOut();

    await app.failLogin(operator.login, operator.password, 'Invalid username or password');

    await app.signIn(ADMIN);
    await app.visit('/operators');
    await page.getByRole('button', { name: `Enable ${operator.login}`, exact: true }).click();
    await expect(app.status(`Operator ${operator.login} enabled.`)).toBeVisible();
    await expect(page.getByTestId(`operator-${operator.login}`)).toContainText('active');
    await app.settle();
    await app.signOut();
    await app.signIn(operator);
  });
});
