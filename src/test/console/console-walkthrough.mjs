// The operator console in a real headless Chromium (Debian's, driven by playwright-core): sign in, find the seeded
// dead letter, replay it, see it replayed, open a reconciliation finding and the records behind it, see the KPIs;
// then, as an approver, bill anyway the time held beyond a contract's cap.
// Run by ConsoleBrowserTest, which seeds the service and passes what it seeded through the environment.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const env = name => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env('CONSOLE_URL');
const shots = env('SCREENSHOTS');
const deadLetterId = env('DEAD_LETTER_ID');
const businessKey = env('BUSINESS_KEY');
const runId = env('RECON_RUN_ID');
const period = env('RECON_PERIOD');
const findingType = env('FINDING_TYPE');
const capFindingId = env('CAP_FINDING_ID');
const capHeldEntry = env('CAP_HELD_ENTRY');
mkdirSync(shots, { recursive: true });

const problems = [];
const step = text => console.log(`- ${text}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  // a script error or a blocked resource (the console's Content-Security-Policy) fails the walkthrough
  page.on('pageerror', error => problems.push(`page error: ${error.message}`));
  page.on('console', message => {
    // failed requests are reported with their address below
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('response', response => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on('dialog', dialog => { problems.push(`unexpected dialog: ${dialog.message()}`); dialog.dismiss(); });

  step('the console asks to sign in');
  await page.goto(`${base}/console`);
  await page.waitForSelector('form#login');

  step('a wrong password is refused on the form (no browser password dialog)');
  await page.fill('#username', env('CONSOLE_USER'));
  await page.fill('#password', 'not-the-password');
  await page.click('#sign-in');
  await page.waitForFunction(() => document.querySelector('#login-error')?.textContent.includes('Sign-in failed'));
  // the console's own sign-in check answered 401, as it should
  problems.splice(0, problems.length, ...problems.filter(p => !p.startsWith('HTTP 401 GET') || !p.endsWith('/admin/me')));

  step('signs in as an operator and sees the seeded dead letter');
  await page.fill('#password', env('CONSOLE_PASSWORD'));
  await page.click('#sign-in');
  await page.waitForSelector('table#dead-letters');
  const row = page.locator(`table#dead-letters tr[data-id="${deadLetterId}"]`);
  await row.waitFor();
  const rowText = await row.innerText();
  if (!rowText.includes(businessKey) || !rowText.includes('OPEN')) throw new Error(`dead letter row: ${rowText}`);
  await page.screenshot({ path: `${shots}/console-dead-letters.png` });

  step('filters by business key');
  await page.fill('input[name=key]', businessKey);
  await page.click('#dead-letter-filters button[type=submit]');
  await page.waitForFunction(key => location.hash.includes(encodeURIComponent(key)), businessKey);
  await page.waitForFunction(() => document.querySelectorAll('table#dead-letters tbody tr').length === 1);

  step('opens it: payload, error, attempts');
  await row.click();
  await page.waitForSelector('#dead-letter-facts');
  const facts = await page.locator('#dead-letter-facts').innerText();
  if (!facts.includes(businessKey)) throw new Error(`dead letter facts: ${facts}`);
  const payload = await page.locator('#payload').inputValue();
  JSON.parse(payload);
  if (!facts.includes('OVERDUE') || !facts.includes('nobody yet')) throw new Error(`owner facts: ${facts}`);

  step('takes it, and finds it among "mine" that are overdue');
  await page.click('#take');
  await page.waitForFunction(() => document.querySelector('#notice')?.textContent.includes('it is yours now'));
  await page.waitForFunction(user => document.querySelector('#dead-letter-facts')?.textContent.includes(user),
    env('CONSOLE_USER'));
  await page.goto(`${base}/console/#/dead-letters?status=OPEN&key=${encodeURIComponent(businessKey)}`);
  await page.waitForSelector('#dead-letter-filters');
  await page.selectOption('select[name=assignee]', 'me');
  await page.check('input[name=overdue]');
  await page.click('#dead-letter-filters button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('assignee=me') && location.hash.includes('overdue=true'));
  await row.waitFor();
  const mine = await row.innerText();
  if (!mine.includes('OVERDUE') || !mine.includes(env('CONSOLE_USER'))) throw new Error(`my overdue row: ${mine}`);

  step('assigns it to a member of another team');
  await row.click();
  await page.waitForSelector('#owner-actions');
  await page.selectOption('#assign-team', 'billing');
  await page.selectOption('#assign-member', 'approver');
  await page.fill('#assign-note', 'invoice question');
  await page.click('#assign');
  await page.waitForFunction(() => document.querySelector('#notice')?.textContent.includes('Assigned to approver'));
  await page.waitForFunction(() => document.querySelector('#dead-letter-facts')?.textContent.includes('Billing operations'));
  await page.screenshot({ path: `${shots}/console-dead-letter-owner.png`, fullPage: true });

  step('replays it and sees it replayed');
  await page.click('#replay');
  await page.waitForFunction(() => document.querySelector('#notice')?.textContent.includes('replayed: POSTED'));
  await page.waitForFunction(() => document.querySelector('h2 .badge')?.textContent === 'REPLAYED');
  await page.waitForSelector('table#replays');
  await page.waitForSelector('#no-actions');
  await page.screenshot({ path: `${shots}/console-dead-letter-replayed.png`, fullPage: true });

  step('the open dead letters no longer list it');
  await page.goto(`${base}/console/#/dead-letters?status=OPEN&key=${encodeURIComponent(businessKey)}`);
  await page.waitForSelector('#dead-letters-empty');

  step('opens the reconciliation of the period and one of its findings');
  await page.click('nav a[data-tab=reconciliation]');
  await page.fill('input[name=period]', period);
  await page.click('#reconciliation-period button[type=submit]');
  await page.locator(`table#runs tr[data-id="${runId}"]`).click();
  await page.waitForSelector('table#findings');
  await page.locator('table#findings tbody tr', { hasText: findingType }).first().click();
  await page.waitForSelector('#finding');
  await page.waitForFunction(() => !document.querySelector('#finding-records')?.textContent.includes('Loading'));
  const finding = await page.locator('#finding').innerText();
  if (!finding.includes(findingType)) throw new Error(`finding card: ${finding}`);
  const deadLetterLink = page.locator('#finding-dead-letter');
  if (await deadLetterLink.count() !== 1) throw new Error(`the finding does not link its dead letter: ${finding}`);
  await page.screenshot({ path: `${shots}/console-reconciliation.png`, fullPage: true });

  step('the finding links to its dead letter');
  await deadLetterLink.click();
  await page.waitForFunction(id => document.querySelector('h2')?.textContent.startsWith(`Dead letter #${id}`),
    deadLetterId);

  step('the KPIs with their chart over time');
  await page.click('nav a[data-tab=kpis]');
  await page.waitForSelector('#kpi-cards');
  await page.waitForSelector('svg#kpi-chart-shares polyline, svg#kpi-chart-shares circle');
  await page.screenshot({ path: `${shots}/console-kpis.png`, fullPage: true });

  step('margin and utilization of the period');
  await page.goto(`${base}/console/#/kpis?period=${period}`);
  await page.waitForSelector('table#kpi-margins tbody tr');
  await page.waitForSelector('#kpi-utilization');
  const margins = await page.locator('table#kpi-margins').innerText();
  if (!margins.includes('Margin')) throw new Error(`margin table: ${margins}`);

  step('signs out');
  await page.click('#sign-out');
  await page.waitForSelector('form#login');

  step('an approver opens the billing exceptions: time held beyond a cap');
  await page.fill('#username', env('APPROVER_USER'));
  await page.fill('#password', env('APPROVER_PASSWORD'));
  await page.click('#sign-in');
  await page.waitForSelector('nav#tabs:not([hidden])');
  await page.click('nav a[data-tab=billing]');
  const capRow = page.locator(`table#cap-findings tr[data-id="${capFindingId}"]`);
  await capRow.waitFor();
  await capRow.click();
  await page.waitForSelector('#cap-finding table#cap-entries tbody tr');
  const capCard = await page.locator('#cap-finding').innerText();
  if (!capCard.includes(capHeldEntry) || !capCard.includes('HELD')) throw new Error(`cap finding card: ${capCard}`);
  await page.screenshot({ path: `${shots}/console-billing-exceptions.png`, fullPage: true });

  step('bills it anyway, with a reason');
  await page.fill('#cap-reason', 'change request CR-7 signed by the client');
  await page.click('#cap-bill-anyway');
  await page.waitForFunction(() => document.querySelector('#notice')?.textContent.includes('billed by the next billing run'));
  await page.waitForFunction(() => document.querySelector('#cap-finding')?.textContent.includes('RESOLVED'));

  step('signs out');
  await page.click('#sign-out');
  await page.waitForSelector('form#login');

  if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
  console.log('console walkthrough passed');
} catch (failed) {
  console.error(`console walkthrough failed: ${failed.stack || failed}`);
  if (problems.length) console.error(problems.join('\n'));
  const pages = browser.contexts().flatMap(c => c.pages());
  if (pages.length) await pages[0].screenshot({ path: `${shots}/console-failure.png`, fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
