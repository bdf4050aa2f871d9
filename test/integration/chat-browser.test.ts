/**
 * The local chat page (`/_local/chat`) in a real headless Chromium (Debian's chromium-headless-shell,
 * installed by scripts/install-debian-deps.sh; CHROMIUM_PATH points at another build), driven by
 * playwright-core: two users in two browser contexts exchange messages live, a non-member's socket is
 * refused, and a logged-out user's socket is closed.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { api, stack, type TestUser } from '../support/stack';
import { chatCast, type ChatCast } from '../support/chat';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';
/** How long the page may take to show a pushed message: generous for a loaded CI machine; the page never polls. */
const SHOWN_WITHIN_MS = 5_000;

let browser: Browser;
let cast: ChatCast;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run npm run deps:debian, or set CHROMIUM_PATH`);
  // Playwright gives every launch a fresh temporary profile (--user-data-dir).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  cast = await chatCast();
});

afterAll(async () => {
  await browser?.close();
});

/** A page of its own browser context, logged in as `user`, with `eventId`'s chat open. */
async function openChat(user: TestUser, eventId: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stack().api}/_local/chat`);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await page.click('#login button');
  await page.waitForSelector('#pick:not(.hidden)');
  await page.fill('#event-id', eventId);
  await page.click('#pick button');
  return page;
}

const waitForState = (page: Page, state: string) => page.waitForSelector(`#status[data-state="${state}"]`, { timeout: 10_000 });
const texts = (page: Page) => page.$$eval('#messages .text', (nodes) => nodes.map((node) => node.textContent));

describe('the /_local/chat page', () => {
  it('is served by the local stack as HTML naming the WebSocket API', async () => {
    const response = await fetch(`${stack().api}/_local/chat`);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain(`content="${stack().websocket}"`);
  });

  it('shows the history, and two users exchange messages live', async () => {
    const earlier = await api(`/chat/${cast.eventId}/messages`, { token: cast.owner.idToken, body: { message: 'before anyone opened the page' } });
    expect(earlier.status).toBe(201);
    const [a, b] = [await openChat(cast.owner, cast.eventId), await openChat(cast.member, cast.eventId)];
    await Promise.all([waitForState(a, 'open'), waitForState(b, 'open')]);
    await b.waitForSelector('#messages .text:text("before anyone opened the page")');

    await a.fill('#text', 'hello from A');
    await a.click('#send button');
    await b.waitForSelector('#messages .text:text("hello from A")', { timeout: SHOWN_WITHIN_MS });
    await b.fill('#text', 'hello back from B');
    await b.click('#send button');
    await a.waitForSelector('#messages .text:text("hello back from B")', { timeout: SHOWN_WITHIN_MS });
    // Newest first, each message once (the sender sees it from the `sent` answer and from the push).
    expect(await texts(a)).toEqual(['hello back from B', 'hello from A', 'before anyone opened the page']);
    expect(await texts(b)).toEqual(['hello back from B', 'hello from A', 'before anyone opened the page']);
    await Promise.all([a.context().close(), b.context().close()]);
  });

  it('refuses a non-member\'s socket', async () => {
    const page = await openChat(cast.stranger, cast.eventId);
    await waitForState(page, 'refused');
    await page.context().close();
  });

  it('closes a logged-out user\'s socket', async () => {
    const page = await openChat(cast.member, cast.eventId);
    await waitForState(page, 'open');
    expect((await api(`/user/${cast.member.sub}/logout`, { method: 'PUT', token: cast.member.idToken })).status).toBe(200);
    await waitForState(page, 'closed');
    await page.context().close();
  });
});
