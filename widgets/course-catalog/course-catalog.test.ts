import { expect } from '@esm-bundle/chai';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { sendKeys } from '@web/test-runner-commands';
import { render } from 'lit';
import { apiFixtures, axeViolations, settled, until } from '../internal/test-support.js';
import { catalogMessages } from '../messages/course-catalog.js';
import { renderBlocks } from './blocks.js';
import ar from './locales/ar.js';
import de from './locales/de.js';
import fr from './locales/fr.js';
import type { LxCourseCatalog, LxCourseSelectEvent } from './course-catalog.js';
import { register } from './course-catalog.js';

register();

declare global {
  interface Window {
    __lxPwned?: number;
  }
}

interface Options {
  token?: string;
  pageSize?: number;
  courseId?: string;
  category?: string;
}

async function catalog(options: Options = {}): Promise<LxCourseCatalog> {
  const { api, courses } = await apiFixtures();
  return fixture<LxCourseCatalog>(
    html`<lx-course-catalog
      license=${courses.license}
      api=${api}
      user-token=${options.token ?? ''}
      page-size=${options.pageSize ?? 12}
      course-id=${options.courseId ?? ''}
      category=${options.category ?? ''}
    ></lx-course-catalog>`,
  );
}

/** Visible text, without the invisible isolates around instructor text in translated copy. */
const text = (el: Element | null | undefined) =>
  el?.textContent
    ?.replace(/[\u2068\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim() ?? '';
const $ = <T extends Element = HTMLElement>(el: LxCourseCatalog, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector);
const $$ = <T extends Element = HTMLElement>(el: LxCourseCatalog, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<T>(selector),
];
const titles = (el: LxCourseCatalog) => $$(el, '[part="card"] h3').map(text);
const count = (el: LxCourseCatalog) => text($(el, '.count'));

/** Waits for results that are not being replaced. */
async function results(el: LxCourseCatalog): Promise<void> {
  await settled(el, '.cards[aria-busy="false"], [part~="state"]');
  await until(() => !$(el, '.cards[aria-busy="true"]'), 'the results to settle');
}

async function choose(el: LxCourseCatalog, name: string, value: string): Promise<void> {
  const select = $<HTMLSelectElement>(el, `select[name="${name}"]`)!;
  select.value = value;
  select.dispatchEvent(new Event('change'));
  await el.updateComplete;
  await results(el);
}

async function type(el: LxCourseCatalog, value: string): Promise<HTMLInputElement> {
  const input = $<HTMLInputElement>(el, '#q')!;
  input.focus();
  input.value = value;
  input.dispatchEvent(new Event('input'));
  return input;
}

/** Presses a key in the real browser, as a keyboard user does. */
async function key(name: string): Promise<void> {
  await sendKeys({ press: name });
}

async function openCourse(el: LxCourseCatalog, title: string): Promise<void> {
  await results(el);
  const button = $$(el, 'button.open').find((b) => text(b) === title)!;
  button.click();
  await settled(el, '#course-title');
  await until(() => !!$(el, '.reviews'), 'the course page');
}

describe('lx-course-catalog', () => {
  afterEach(() => fixtureCleanup());

  it('renders course cards and is accessible', async () => {
    const el = await catalog();
    await results(el);
    expect(titles(el)).to.have.length(10);
    expect(titles(el)).to.not.include('Python Secrets (draft)');
    expect(count(el)).to.equal('Courses found: 10');
    const card = $$(el, '[part="card"]').find((c) => text(c).includes('Python for Data Science'))!;
    expect(text(card)).to.contain('by Grace Hopper');
    expect(text(card.querySelector('[part="price"]'))).to.equal('$49.00');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('shows covers from the API with a text alternative, and a placeholder without one', async () => {
    const { api } = await apiFixtures();
    const el = await catalog();
    await results(el);
    const card = (title: string) =>
      $$(el, '[part="card"]').find((c) => text(c.querySelector('h3')) === title)!;
    const img = card('Statistics with R').querySelector<HTMLImageElement>('img[part="cover"]')!;
    expect(img.alt).to.equal('Cover of \u2068Statistics with R\u2069');
    expect(img.src.startsWith(`${api}/v1/courses/`)).to.equal(true);
    img.loading = 'eager';
    await until(() => img.complete && img.naturalWidth === 16, 'the cover to load');
    const none = card('Japanese Calligraphy').querySelector('[part="cover"]')!;
    expect(none.localName).to.equal('div');
    expect(none.getAttribute('aria-hidden')).to.equal('true');
  });

  it('shows a yen price without a fraction and Free for free courses', async () => {
    const el = await catalog();
    await results(el);
    const price = (title: string) =>
      text(
        $$(el, '[part="card"]')
          .find((c) => text(c.querySelector('h3')) === title)!
          .querySelector('[part="price"]'),
      );
    expect(price('Japanese Calligraphy')).to.equal('¥3,000');
    expect(price('Design Thinking Basics')).to.equal('Free');
  });

  it('shows hostile course text as characters, never as markup', async () => {
    const { courses } = await apiFixtures();
    const el = await catalog();
    await results(el);
    expect(titles(el)).to.include(courses.hostileTitle);
    const card = $$(el, '[part="card"]').find((c) => text(c).includes('Hostile'))!;
    expect(card.querySelectorAll('img, b, i')).to.have.length(0);
    expect(text(card)).to.contain('by <b>Mallory</b>');
    await openCourse(el, courses.hostileTitle);
    expect(text($(el, '#course-title'))).to.equal(courses.hostileTitle);
    const description = $(el, '.description')!;
    expect(description.querySelectorAll('script, img, b')).to.have.length(0);
    const links = [...description.querySelectorAll('a')];
    expect(links.map((a) => a.href)).to.deep.equal(['https://example.com/docs']);
    expect(links[0]!.rel).to.equal('noopener noreferrer');
    expect(links[0]!.target).to.equal('_blank');
    expect(text(description)).to.contain('the bad link');
    expect(window.__lxPwned).to.equal(undefined);
  });

  it('links only http(s) URLs in description blocks, whatever the server sent', () => {
    const host = document.createElement('div');
    render(
      renderBlocks([
        {
          type: 'paragraph',
          inline: [
            { text: 'script', href: 'javascript:alert(1)' },
            { text: 'data', href: 'data:text/html,<b>x</b>' },
            { text: 'relative', href: '/v1/courses' },
            { text: 'web', href: 'http://example.com/a', strong: true },
          ],
        },
        { type: 'heading', level: 2, inline: [{ text: '<b>Heading</b>' }] },
        { type: 'list', ordered: true, items: [[{ text: 'one' }], [{ text: 'two', code: true }]] },
        { type: 'unknown' } as never,
      ]),
      host,
    );
    expect([...host.querySelectorAll('a')].map((a) => a.getAttribute('href'))).to.deep.equal([
      'http://example.com/a',
    ]);
    expect(host.querySelector('h3')!.textContent).to.equal('<b>Heading</b>');
    expect(host.querySelectorAll('ol li')).to.have.length(2);
    expect(host.querySelector('ol code')!.textContent).to.equal('two');
  });

  it('searches as the learner types and suggests courses in an accessible combobox', async () => {
    const el = await catalog();
    await results(el);
    const input = $<HTMLInputElement>(el, '#q')!;
    input.focus();
    await sendKeys({ type: 'pyth' });
    await until(() => count(el) === 'Courses found: 3', 'the search results');
    expect(titles(el).every((t) => t.startsWith('Python'))).to.equal(true);
    await until(() => input.getAttribute('aria-expanded') === 'true', 'the suggestions');
    const listbox = $(el, '#suggestions')!;
    expect(listbox.getAttribute('role')).to.equal('listbox');
    expect(input.getAttribute('aria-controls')).to.equal('suggestions');
    const options = $$(el, '[role="option"]');
    expect(options.map(text)).to.have.members([
      'Python for Data Science',
      'Python Design Patterns',
      'Python Testing in Practice',
    ]);
    expect(await axeViolations(el)).to.deep.equal([]);

    await key('ArrowDown');
    await el.updateComplete;
    expect(input.getAttribute('aria-activedescendant')).to.equal('s-0');
    expect($(el, '#s-0')!.getAttribute('aria-selected')).to.equal('true');
    await key('ArrowUp');
    await el.updateComplete;
    const last = `s-${options.length - 1}`;
    expect(input.getAttribute('aria-activedescendant')).to.equal(last);
    await key('Escape');
    await el.updateComplete;
    expect(input.getAttribute('aria-expanded')).to.equal('false');
    expect(input.hasAttribute('aria-activedescendant')).to.equal(false);

    await key('ArrowDown');
    await el.updateComplete;
    const chosen = text($(el, '#s-0'));
    await key('Enter');
    await settled(el, '#course-title');
    expect(text($(el, '#course-title'))).to.equal(chosen);
    await until(() => el.shadowRoot!.activeElement?.id === 'course-title', 'focus on the title');
    await key('Shift+Tab');
    await key('Enter');
    await until(() => text(el.shadowRoot!.activeElement) === chosen, 'focus back on its card');
    expect(count(el)).to.equal('Courses found: 3');
  });

  it('filters by category, price and rating, with facet counts', async () => {
    const el = await catalog();
    await results(el);
    const option = (name: string, value: string) =>
      text($(el, `select[name="${name}"] option[value="${value}"]`));
    expect(option('category', 'programming')).to.equal('Programming (3)');
    expect(option('price', 'free')).to.equal('Free (3)');

    await choose(el, 'category', 'design');
    expect(titles(el)).to.have.members(['Design Thinking Basics', 'Typographie pour le web']);
    // Another dimension's counts follow the filter; the category's own counts do not.
    expect(option('price', 'free')).to.equal('Free (1)');
    expect(option('price', 'paid')).to.equal('Paid (1)');
    expect(option('category', 'programming')).to.equal('Programming (3)');
    expect(option('language', 'fr')).to.equal('French (1)');

    await choose(el, 'price', 'free');
    expect(titles(el)).to.deep.equal(['Design Thinking Basics']);

    await choose(el, 'category', '');
    await choose(el, 'price', '');
    await choose(el, 'minRating', '4');
    expect(titles(el)).to.deep.equal(['Design Thinking Basics']);

    $$(el, 'button')
      .find((b) => text(b) === 'Clear filters')!
      .click();
    await until(() => count(el) === 'Courses found: 10', 'every course again');
  });

  it('filters by a price range typed in major units', async () => {
    const el = await catalog({ category: 'programming' });
    await results(el);
    expect(titles(el)).to.have.length(3);
    const min = $<HTMLInputElement>(el, 'input[name="minPrice"]')!;
    min.value = '45';
    min.dispatchEvent(new Event('change'));
    await until(() => count(el) === 'Courses found: 2', 'the range');
    expect(titles(el)).to.have.members(['Python for Data Science', 'Python Design Patterns']);
  });

  it('sorts by price both ways', async () => {
    const el = await catalog({ category: 'programming' });
    await results(el);
    await choose(el, 'sort', 'price_asc');
    expect(titles(el)).to.deep.equal([
      'Python Testing in Practice',
      'Python for Data Science',
      'Python Design Patterns',
    ]);
    await choose(el, 'sort', 'price_desc');
    expect(titles(el)[0]).to.equal('Python Design Patterns');
  });

  it('loads more with the cursor, without repeating a course, focusing the first new one', async () => {
    const el = await catalog({ pageSize: 4 });
    await results(el);
    expect(titles(el)).to.have.length(4);
    for (const expected of [8, 10]) {
      $(el, '[part="more"]')!.click();
      await until(() => titles(el).length === expected, `${expected} courses`);
    }
    expect(new Set(titles(el)).size).to.equal(10);
    expect($(el, '[part="more"]')).to.equal(null);
    expect(text($(el, '.more small'))).to.equal('Showing 10 of 10');
    await until(
      () => el.shadowRoot!.activeElement === $$(el, 'button.open')[8],
      'focus on the first new course',
    );
  });

  it('with infinite, loads the next page as the end of the results scrolls into view', async () => {
    const { api, courses } = await apiFixtures();
    const el = await fixture<LxCourseCatalog>(
      html`<lx-course-catalog
        license=${courses.license}
        api=${api}
        page-size="4"
        infinite
      ></lx-course-catalog>`,
    );
    await results(el);
    await until(
      () => {
        $(el, '[part="more"]')?.scrollIntoView();
        return titles(el).length === 10;
      },
      'every page, by scrolling',
      8000,
    );
    expect(new Set(titles(el)).size).to.equal(10);
    expect($(el, '[part="more"]')).to.equal(null);
  });

  it('shows a course page with its description and reviews, and goes back', async () => {
    const el = await catalog();
    await openCourse(el, 'Design Thinking Basics');
    expect(text($(el, '.description strong'))).to.equal('design thinking');
    expect($$(el, '[part="review"]')).to.have.length(3);
    expect(text($(el, '.summary'))).to.contain('5★: 1');
    expect(text($(el, '[part="buy"]'))).to.equal('Enroll for free');
    expect(await axeViolations(el)).to.deep.equal([]);

    const sort = $<HTMLSelectElement>(el, '.reviews select')!;
    sort.value = 'lowest';
    sort.dispatchEvent(new Event('change'));
    await until(
      () => text($$(el, '[part="review"]')[0]?.querySelector('strong')) === 'Cy Young',
      'lowest rating first',
    );
    // Review text is text too.
    expect(text($$(el, '[part="review"]')[1])).to.contain('Good <b>pace</b>.');

    $(el, 'button.back')!.click();
    await settled(el, '[part="card"]');
    await until(
      () => text(el.shadowRoot!.activeElement) === 'Design Thinking Basics',
      'focus back on the card',
    );
  });

  it('pages reviews with the cursor', async () => {
    const { courses } = await apiFixtures();
    const el = await catalog({ pageSize: 2, courseId: courses.courses.designThinking });
    await until(() => $$(el, '[part="review"]').length === 2, 'the first page of reviews');
    $$(el, '.reviews button')
      .find((b) => text(b) === 'More reviews')!
      .click();
    await until(() => $$(el, '[part="review"]').length === 3, 'the second page');
    const authors = $$(el, '[part="review"] strong').map(text);
    expect(new Set(authors).size).to.equal(3);
    expect($$(el, '.reviews button').some((b) => text(b) === 'More reviews')).to.equal(false);
  });

  it('opens the course named by course-id directly', async () => {
    const { courses } = await apiFixtures();
    const el = await catalog({ courseId: courses.courses.statistics });
    await settled(el, '#course-title');
    expect(text($(el, '#course-title'))).to.equal('Statistics with R');
    expect(text($(el, '[part="buy"]'))).to.equal('Buy for $59.00');
    expect(text($(el, '.reviews'))).to.contain('No reviews yet.');
  });

  it('lets an enrolled learner edit their review, and marks the course as owned', async () => {
    const { courses } = await apiFixtures();
    const el = await catalog({ token: courses.tokens.ada });
    await results(el);
    const card = $$(el, '[part="card"]').find((c) => text(c).includes('Design Thinking'))!;
    expect(text(card.querySelector('[part="owned"]'))).to.equal('Owned');
    await openCourse(el, 'Design Thinking Basics');
    expect($(el, '[part="buy"]')).to.equal(null);
    const form = $<HTMLFormElement>(el, '[part="review-form"]')!;
    expect(text(form.querySelector('h4'))).to.equal('Edit your review');
    expect(form.querySelector<HTMLInputElement>('input[value="5"]')!.checked).to.equal(true);
    expect(await axeViolations(el)).to.deep.equal([]);

    form.querySelector<HTMLInputElement>('input[value="4"]')!.click();
    const area = form.querySelector('textarea')!;
    area.value = 'Clear, practical, a little short.';
    area.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(text(form.querySelector('#review-length'))).to.equal('33 of 4,000 characters');
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(
      () => text($(el, '[part="review"][data-mine] .text')) === 'Clear, practical, a little short.',
      'the edited review',
    );
    expect(text($(el, '[part="review-form"] .notice'))).to.equal(
      'Thank you, your review is published.',
    );
    expect($(el, '[part="review"][data-mine] [role="img"]')!.getAttribute('aria-label')).to.equal(
      '4 of 5',
    );
  });

  it('offers material downloads to enrolled learners only', async () => {
    const { api, courses } = await apiFixtures();
    const ada = await catalog({
      token: courses.tokens.ada,
      courseId: courses.courses.designThinking,
    });
    await settled(ada, '.materials');
    expect(text($(ada, '.materials li'))).to.match(/^Workbook document · [\d.]+ kB Download$/);
    const download = $(ada, '.materials button')!;
    expect(download.getAttribute('aria-label')).to.equal('Download \u2068Workbook\u2069');
    // The signed link the button asks for streams the file to this learner.
    const course = await fetch(`${api}/v1/courses/${courses.courses.designThinking}`, {
      headers: { 'Liberation-Key': courses.license },
    }).then((r) => r.json() as Promise<{ materials: { id: string }[] }>);
    const link = await fetch(
      `${api}/v1/courses/${courses.courses.designThinking}/materials/${course.materials[0]!.id}/link`,
      {
        method: 'POST',
        headers: {
          'Liberation-Key': courses.license,
          Authorization: `Bearer ${courses.tokens.ada}`,
        },
      },
    ).then((r) => r.json() as Promise<{ url: string }>);
    expect(await (await fetch(new URL(link.url, api))).text()).to.contain('%PDF-');
    fixtureCleanup();
    const eve = await catalog({
      token: courses.tokens.eve,
      courseId: courses.courses.designThinking,
    });
    await settled(eve, '.materials');
    expect($(eve, '.materials button')).to.equal(null);
    expect(text($(eve, '.materials + p'))).to.equal('Enroll to download the materials.');
  });

  it('does not offer a review form to a learner who is not enrolled, nor to a visitor', async () => {
    const { courses } = await apiFixtures();
    const eve = await catalog({
      token: courses.tokens.eve,
      courseId: courses.courses.designThinking,
    });
    await settled(eve, '.reviews');
    await until(() => $$(eve, '[part="review"]').length > 0, 'reviews');
    expect($(eve, '[part="review-form"]')).to.equal(null);
    expect(text($(eve, '.reviews'))).to.contain('Only learners enrolled in this course');
    fixtureCleanup();
    const visitor = await catalog({ courseId: courses.courses.designThinking });
    await settled(visitor, '.reviews');
    expect($(visitor, '[part="review-form"]')).to.equal(null);
  });

  it('fires a cancelable lx-course-select; a visitor is asked to sign in', async () => {
    const { courses } = await apiFixtures();
    const el = await catalog({ courseId: courses.courses.pythonData });
    const buy = (await settled(el, '[part="buy"]')) as HTMLButtonElement;
    const seen: LxCourseSelectEvent[] = [];
    const cancel = (e: LxCourseSelectEvent) => {
      seen.push(e);
      e.preventDefault();
    };
    document.addEventListener('lx-course-select', cancel);
    buy.click();
    document.removeEventListener('lx-course-select', cancel);
    expect(seen).to.have.length(1);
    expect(seen[0]!.detail).to.deep.equal({
      courseId: courses.courses.pythonData,
      title: 'Python for Data Science',
      price: { amount: 4900, currency: 'USD' },
    });
    expect(seen[0]!.cancelable && seen[0]!.bubbles && seen[0]!.composed).to.equal(true);
    await el.updateComplete;
    expect(text($(el, '.notice'))).to.equal('');
    buy.click();
    await until(() => text($(el, '.notice')) === 'Sign in to buy or enroll.', 'the sign-in ask');
    expect(document.querySelector('dialog[data-lx-checkout]')).to.equal(null);
  });

  it('buys a paid course through lx-checkout, then shows it as owned', async () => {
    const { courses } = await apiFixtures();
    const el = await catalog({ token: courses.tokens.buyer });
    await openCourse(el, 'Python for Data Science');
    const completed = new Promise<Event>((resolve) =>
      el.addEventListener('lx-checkout-complete', resolve, { once: true }),
    );
    $(el, '[part="buy"]')!.click();
    await until(
      () => !!document.querySelector('dialog[data-lx-checkout] lx-checkout'),
      'the checkout',
    );
    const checkout = document.querySelector('dialog[data-lx-checkout] lx-checkout')!;
    expect(checkout.getAttribute('course-id')).to.equal(courses.courses.pythonData);
    const start = (await settled(checkout as LxCourseCatalog, 'button[part="pay"]')) as HTMLElement;
    start.click();
    await until(
      () =>
        checkout.shadowRoot!.querySelector('[data-phase]')?.getAttribute('data-phase') === 'paying',
      'the Payment Element',
      8000,
    );
    await sendKeys({ type: '4242424242424242' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '1234' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '123' });
    checkout.shadowRoot!.querySelector<HTMLButtonElement>('form button[part="pay"]')!.click();
    await completed;
    await until(() => text($(el, '.action')).includes('You are enrolled in this course.'), 'owned');
    expect($(el, '[part="review-form"]')).to.not.equal(null);
    document.querySelector('dialog[data-lx-checkout]')?.remove();
    $(el, 'button.back')!.click();
    await settled(el, '[part="card"]');
    const card = $$(el, '[part="card"]').find((c) => text(c).includes('Python for Data Science'))!;
    expect(text(card.querySelector('[part="owned"]'))).to.equal('Owned');
  });

  it('enrolls a learner in a free course, which then offers the review form', async () => {
    const { courses } = await apiFixtures();
    const el = await catalog({ token: courses.tokens.eve });
    await openCourse(el, 'Fotografie für Einsteiger');
    expect($(el, '[part="review-form"]')).to.equal(null);
    $(el, '[part="buy"]')!.click();
    await settled(el, '[part="review-form"]');
    expect(text($(el, '.action'))).to.contain('You are enrolled in this course.');
    expect(text($(el, '[part="review-form"] h4'))).to.equal('Write a review');
    const form = $<HTMLFormElement>(el, '[part="review-form"]')!;
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => !!form.querySelector('[role="alert"]'), 'the missing rating');
    expect(text(form.querySelector('[role="alert"]'))).to.equal('Choose a rating from 1 to 5.');
    await until(
      () => el.shadowRoot!.activeElement === form.querySelector('input[value="1"]'),
      'focus on the rating',
    );
    form.querySelector<HTMLInputElement>('input[value="3"]')!.click();
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => !!$(el, '[part="review"][data-mine]'), 'the new review');
    expect(text($(el, '[part="review-form"] h4'))).to.equal('Edit your review');
    $(el, 'button.back')!.click();
    await settled(el, '[part="card"]');
    const card = $$(el, '[part="card"]').find((c) => text(c).includes('Fotografie'))!;
    expect(text(card.querySelector('[part="owned"]'))).to.equal('Owned');
  });

  it('shows an empty state when nothing matches', async () => {
    const el = await catalog();
    await results(el);
    await type(el, 'zzzqqq');
    await until(() => !!$(el, '[part~="state"]'), 'the empty state');
    expect(text($(el, '[part~="state"]'))).to.contain('No courses match your search.');
  });

  it('follows category, course-id and user-token set after it started', async () => {
    const { courses } = await apiFixtures();
    const el = await catalog();
    await results(el);
    el.setAttribute('category', 'data');
    await until(() => count(el) === 'Courses found: 2', 'the data courses');
    expect($<HTMLSelectElement>(el, 'select[name="category"]')!.value).to.equal('data');
    el.setAttribute('course-id', courses.courses.statistics);
    await until(() => text($(el, '#course-title')) === 'Statistics with R', 'the course');
    el.removeAttribute('course-id');
    await settled(el, '[part="card"]');
    el.setAttribute('category', 'design');
    el.setAttribute('user-token', courses.tokens.ada);
    await until(() => !!$(el, '[part="owned"]'), 'the owned badge for the signed-in learner');
  });

  it('explains a course that cannot be shown, and still goes back', async () => {
    const el = await catalog({ courseId: 'crs_missing' });
    const state = await settled(el, '[part~="state"]');
    expect(state.getAttribute('data-code')).to.equal('not_found');
    $(el, 'button.back')!.click();
    await results(el);
    expect(titles(el)).to.have.length(10);
  });

  it('lays out right to left in Arabic, with Arabic copy', async () => {
    const { api, courses } = await apiFixtures();
    const el = await fixture<LxCourseCatalog>(
      html`<lx-course-catalog
        license=${courses.license}
        api=${api}
        locale="ar"
      ></lx-course-catalog>`,
    );
    await results(el);
    await until(() => text($(el, 'label[for="q"]')) === 'ابحث في الدورات', 'Arabic copy');
    expect(el.dir).to.equal('rtl');
    expect(await axeViolations(el)).to.deep.equal([]);
  });

  it('ships translations with the same placeholders as the English copy', () => {
    const english: Record<string, string> = catalogMessages;
    const names = (copy: string) => [...copy.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [language, catalog] of Object.entries({ fr, de, ar })) {
      expect(Object.keys(catalog).sort(), language).to.deep.equal(Object.keys(english).sort());
      for (const [key, copy] of Object.entries(catalog as Record<string, string>)) {
        expect(names(copy), `${language} ${key}`).to.deep.equal(names(english[key]!));
      }
    }
  });

  it('speaks French when the page does', async () => {
    const { api, courses } = await apiFixtures();
    const el = await fixture<LxCourseCatalog>(
      html`<lx-course-catalog
        license=${courses.license}
        api=${api}
        locale="fr"
      ></lx-course-catalog>`,
    );
    await results(el);
    await until(() => count(el) === 'Cours trouvés : 10', 'French copy');
    expect(text($(el, 'label[for="q"]'))).to.equal('Rechercher des cours');
  });
});
