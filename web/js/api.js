// Requests to the Voronka HTTP API (docs/api.md): the session cookie goes with every request,
// state-changing ones carry the CSRF token, and every failure becomes an ApiError.

const BASE = '/api/v1';
let csrfToken = '';
let onUnauthorized = () => {};
let onReachability = () => {};
let currentPage = '';
let pageMetrics = {};

// An error answered by the server (status >= 400) or the network (status 0).
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
  get unreachable() {
    return this.status === 0;
  }
}

// Remembers the CSRF token returned by login and /me.
export function setCsrfToken(token) {
  csrfToken = token || '';
}

// The dashboard page now shown: report, drill-down and export requests name it ("page"), so
// the server refuses the requests of a page hidden from the caller's role.
export function setCurrentPage(id) {
  currentPage = id || '';
}

// `request` with the current page, unless it names one. The server owns the list of metrics
// each page shows (GET /me "page_metrics"); a request the list does not name is a page out of
// step with it, said on the console (the browser tests fail on console errors).
function onPage(request) {
  if (!currentPage || !request || request.page !== undefined) return request;
  const listed = pageMetrics[currentPage];
  if (listed && request.metric && !listed.includes(request.metric)) {
    console.error(`page ${currentPage} asks for ${request.metric}, which the server does not list for it`);
  }
  return { ...request, page: currentPage };
}

// Called on 401 from any request except login (the session has ended).
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

// Called with true/false whenever the server becomes reachable or unreachable.
export function setReachabilityHandler(handler) {
  onReachability = handler;
}

async function send(method, path, body, { raw = false, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    onReachability(false);
    throw new ApiError(0, error.message);
  }
  onReachability(true);
  if (!response.ok) {
    let message = response.statusText;
    try {
      const answer = await response.json();
      message = answer.error || (answer.errors || []).join('; ') || message;
    } catch (_) {
      // not JSON: keep the status text
    }
    if (response.status === 401 && !quiet401) onUnauthorized();
    throw new ApiError(response.status, message);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const api = {
  get: (path, options) => send('GET', path, undefined, options),
  post: (path, body, options) => send('POST', path, body, options),
  put: (path, body, options) => send('PUT', path, body, options),
  del: (path, options) => send('DELETE', path, undefined, options),

  // Logs in; answers {user, csrf_token}.
  async login(login, password) {
    const answer = await send('POST', '/login', { login, password }, { quiet401: true });
    setCsrfToken(answer.csrf_token);
    return answer;
  },
  logout: () => send('POST', '/logout', {}),
  // The current user and workspace, or null without a session.
  async me() {
    try {
      const answer = await send('GET', '/me', undefined, { quiet401: true });
      setCsrfToken(answer.csrf_token);
      pageMetrics = answer.page_metrics || {};
      return answer;
    } catch (error) {
      if (error.status === 401) return null;
      throw error;
    }
  },
  meta: () => send('GET', '/meta'),
  version: () => send('GET', '/version'),
  report: (request) => send('POST', '/report', onPage(request)),
  drilldown: (request) => send('POST', '/drilldown', onPage(request)),
  // Deals by title: {q, offset, limit, sort} -> {"total","items"} like a drill-down.
  search: ({ q, offset, limit, sort }) => send('GET', `/search?${new URLSearchParams({ q, offset, limit, sort })}`),
  // The export file as {blob, filename}.
  async exportFile(body) {
    const { report, drilldown, activity_sources: sources, ...rest } = body;
    const paged = { ...rest };
    if (report) paged.report = onPage(report);
    if (drilldown) paged.drilldown = onPage(drilldown);
    if (sources) paged.activity_sources = onPage(sources);
    const response = await send('POST', '/export', paged, { raw: true });
    const disposition = response.headers.get('Content-Disposition') || '';
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    const plain = /filename="?([^";]+)"?/i.exec(disposition);
    const filename = encoded ? decodeURIComponent(encoded[1]) : plain ? plain[1] : `export.${body.format}`;
    return { blob: await response.blob(), filename };
  },
  layout: (page) => send('GET', `/layout?page=${encodeURIComponent(page)}`),
  saveLayout: (page, layout) => send('PUT', `/layout?page=${encodeURIComponent(page)}`, layout),
  filters: () => send('GET', '/filters'),
  saveFilter: (filter) => send('POST', '/filters', filter),
  deleteFilter: (id) => send('DELETE', `/filters/${encodeURIComponent(id)}`),
  // The event feed since `since` (an RFC 3339 time), or since the last visit when omitted.
  feed: (since, limit = 50) => send('GET', `/feed?limit=${limit}${since ? `&since=${encodeURIComponent(since)}` : ''}`),
  feedSeen: () => send('POST', '/feed/seen', {}),
  // New clients and activities by source under a report-like request (period, filters).
  clients: (request) => send('POST', '/clients', onPage(request)),
  activitySources: (request) => send('POST', '/activity_sources', onPage(request)),
};
