// The dashboard application: login or the app shell (menu, filter bar, page), the router
// (#/page), the language switch, and the refresh when the data's version moves.
import { api, setCurrentPage, setReachabilityHandler, setUnauthorizedHandler } from './api.js';
import { prefetchLayout, renderDashboard } from './dashboard.js';
import { h, replace } from './dom.js';
import { openSearch } from './drilldown.js';
import { loadSavedFilters, renderFilterBar } from './filter_bar.js';
import { setWorkspaceFormats } from './format.js';
import { LANGUAGES, currentLanguage, preferredLanguage, setLanguage, t } from './i18n.js';
import { setOffline } from './notice.js';
import { renderLogin } from './pages/login.js';
import { allowedPages } from './pages/index.js';
import { currentMe, loadMe, loadMeta } from './session.js';
import { onFilterChange } from './state.js';

const POLL_MS = 3000;
const root = document.getElementById('app');
let dashboard = null;
let pageView = null;  // what a page drawn by its own render() answers: {refresh()}
let version = null;
let pollTimer = null;
let rendering = Promise.resolve();

function languageSwitch(onChange) {
  return h(
    'select',
    { class: 'language', name: 'language', 'aria-label': t('language'), onchange: async (e) => (await setLanguage(e.target.value), onChange()) },
    LANGUAGES.map((lang) => h('option', { value: lang, selected: lang === currentLanguage() }, lang.toUpperCase())),
  );
}

function currentPage() {
  const id = location.hash.replace(/^#\/?/, '').split('?')[0];
  const pages = allowedPages(currentMe());
  return pages.find((p) => p.id === id) || pages[0];
}

async function showLogin() {
  stopPolling();
  dashboard?.destroy();
  dashboard = null;
  document.title = 'Voronka';
  renderLogin(root, { onLogin: () => start(), languageSwitch: languageSwitch(showLogin) });
}

function renderShell(page) {
  const me = currentMe();
  const nav = h(
    'nav',
    { class: 'main-nav' },
    allowedPages(me).map((p) => h('a', { href: `#/${p.id}`, class: p === page ? 'active' : '', dataset: { page: p.id } }, t(`page.${p.id}`))),
  );
  const header = h(
    'header',
    { class: 'app-header' },
    h('a', { class: 'brand', href: '#/overview' }, h('span', { class: 'logo' }, 'V'), 'Voronka'),
    nav,
    h(
      'div',
      { class: 'header-right' },
      h('button', { type: 'button', class: 'icon-button search-button', name: 'search', title: t('search.title'), 'aria-label': t('search.title'), onclick: () => openSearch() }, '⌕'),
      languageSwitch(renderPage),
      h('span', { class: 'user', title: me?.workspace?.name || '' }, me?.user?.name || me?.user?.login || ''),
      h('button', { type: 'button', class: 'button link', onclick: logout }, t('action.logout')),
    ),
  );
  const filterBar = h('div', { class: 'filter-controls' });
  const chips = h('div', { class: 'chips' });
  const tools = h('div', { class: 'page-tools' });
  const content = h('main', { class: 'page-content', dataset: { page: page.id } });
  replace(root, header, h('div', { class: 'filter-bar' }, filterBar, tools), chips, content);
  return { filterBar, chips, tools, content };
}

// Draws the whole current page (shell, filter bar, widgets).
function renderPage() {
  rendering = rendering.then(async () => {
    const page = currentPage();
    setCurrentPage(page.id);
    dashboard?.destroy();
    dashboard = null;
    pageView = null;
    document.title = `${t(`page.${page.id}`)} · Voronka`;
    const { filterBar, chips, tools, content } = renderShell(page);
    // A page with its own period and filters (the report builder) has no filter bar.
    if (page.filterBar === false) filterBar.parentElement.hidden = true;
    else renderFilterBar(filterBar, chips);
    content.classList.add('loading');
    const started = performance.now();
    if (page.render) {
      pageView = (await page.render(content)) || null;
      content.classList.remove('loading');
      content.dataset.ready = String(Math.round(performance.now() - started));
      return;
    }
    dashboard = await renderDashboard(content, {
      page: page.id,
      widgets: page.widgets(),
      tools,
      fitRows: page.fitRows || 0,
      toolbar: page.toolbar ? page.toolbar(renderPage) : null,
      layoutWidgets: page.layoutWidgets || null,
    });
    content.classList.remove('loading');
    content.dataset.ready = String(Math.round(performance.now() - started));
    content.dataset.readyAt = String(Math.round(performance.now()));
  });
  return rendering;
}

// Re-runs every widget's request (filters changed, new data arrived).
function refreshData() {
  rendering = rendering.then(async () => {
    const filterBar = root.querySelector('.filter-controls');
    if (filterBar && !filterBar.parentElement.hidden) {
      const open = [...filterBar.querySelectorAll('details[open]')].map((d) => d.dataset.name || d.className);
      renderFilterBar(filterBar, root.querySelector('.chips'));
      for (const details of filterBar.querySelectorAll('details')) {
        if (open.includes(details.dataset.name || details.className)) details.open = true;
      }
    }
    dashboard?.fit();
    await Promise.all([dashboard?.refresh(), pageView?.refresh?.()]);
  });
  return rendering;
}

async function poll() {
  try {
    const answer = await api.version();
    if (version !== null && answer.version !== version) {
      version = answer.version;
      await loadMeta();
      await refreshData();
    }
    version = answer.version;
  } catch (_) {
    // unreachable: the banner is up; try again on the next tick
  }
  pollTimer = setTimeout(poll, POLL_MS);
}

function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = null;
}

async function logout() {
  try {
    await api.logout();
  } finally {
    showLogin();
  }
}

async function start(loaded) {
  const me = loaded === undefined ? await loadMe() : loaded;
  if (!me) return showLogin();
  if (!localStorage.getItem('voronka.language')) await setLanguage(me.workspace?.locale || currentLanguage());
  setWorkspaceFormats(me.workspace);
  // The page's layout is asked for together with the names and saved filters: one round trip.
  prefetchLayout(currentPage().id);
  await Promise.all([loadMeta(), loadSavedFilters()]);
  await renderPage();
  stopPolling();
  version = null;
  poll();
}

async function boot() {
  // The texts and the session are asked for at once: the first screen waits for one round trip.
  const [me] = await Promise.all([loadMe().catch((error) => error), setLanguage(preferredLanguage('ru'))]);
  setUnauthorizedHandler(() => showLogin());
  let offline = false;
  setReachabilityHandler((reachable) => {
    setOffline(!reachable);
    // Back from an outage: widgets that failed meanwhile ask again.
    if (reachable && offline && currentMe()) refreshData();
    offline = !reachable;
  });
  window.addEventListener('hashchange', () => currentMe() && renderPage());
  window.addEventListener('voronka:rerender', () => renderPage());
  window.addEventListener('voronka:filterbar', () => refreshData());
  onFilterChange(() => refreshData());
  try {
    if (me instanceof Error) throw me;
    await start(me);
  } catch (error) {
    replace(root, h('div', { class: 'fatal' }, h('h1', {}, 'Voronka'), h('p', {}, error.unreachable ? t('error.unreachable') : error.message),
      h('button', { class: 'button primary', onclick: () => location.reload() }, t('action.retry'))));
  }
}

boot();
