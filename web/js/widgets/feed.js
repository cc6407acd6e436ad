// The event feed since the user's last visit (GET /feed): new deals, stage changes, wins,
// losses and overdue tasks of what the user may see, newest first. The first draw after the
// page loads starts at the visit the server remembers and records this one; later redraws
// (filters, live data) keep that start, so nothing unread slips away while the page is open.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatCount, formatDateTime, formatMoney } from '../format.js';
import { t } from '../i18n.js';
import { currentMe, labelOf } from '../session.js';

const KINDS = ['created', 'stage', 'won', 'lost', 'overdue'];
let visit = { login: null, since: null };

function eventRow(event) {
  const title = event.title || event.task_title || event.deal_id || event.task_id || '';
  const link = event.url ? h('a', { href: event.url, target: '_blank', rel: 'noopener', class: 'deal-link' }, title, ' ↗') : title;
  let what = '';
  if (event.kind === 'stage') what = `${event.from_stage_name ?? '—'} → ${event.stage_name ?? '—'}`;
  else if (event.kind === 'overdue') what = event.task_title && event.title ? event.task_title : '';
  else what = event.stage_name || '';
  return h(
    'li',
    { class: `feed-event ${event.kind}`, dataset: { kind: event.kind } },
    h('span', { class: 'feed-kind' }, t(`feed.kind.${event.kind}`)),
    h('span', { class: 'feed-title' }, link, what ? h('span', { class: 'muted' }, ` · ${what}`) : null),
    h('span', { class: 'feed-amount' }, event.amount ? formatMoney(event.amount) : ''),
    h('span', { class: 'feed-meta muted' }, event.responsible ? labelOf('responsible', event.responsible) : '', ' ', formatDateTime(event.at)),
  );
}

export async function render(body, widget) {
  const login = currentMe()?.user?.login || '';
  if (visit.login !== login) visit = { login, since: null };
  const first = visit.since === null;
  const answer = await api.feed(visit.since, widget.limit || 50);
  if (first) {
    visit.since = answer.since;
    // Recording the visit is a side matter: a failure only means the next visit repeats events.
    api.feedSeen().catch(() => {});
  }
  const counts = h(
    'div',
    { class: 'feed-counts' },
    h('span', { class: 'muted' }, t('feed.since', { when: formatDateTime(answer.since) })),
    KINDS.filter((kind) => answer.counts[kind]).map((kind) =>
      h('span', { class: `feed-count ${kind}`, dataset: { kind, count: String(answer.counts[kind]) } }, `${t(`feed.kind.${kind}`)}: ${formatCount(answer.counts[kind])}`),
    ),
  );
  const summary = h('div', { class: 'feed', dataset: { total: String(answer.total), since: answer.since } }, counts);
  if (!answer.total) {
    summary.append(h('div', { class: 'empty' }, t('feed.empty')));
  } else {
    summary.append(h('ol', { class: 'feed-list' }, answer.events.map(eventRow)));
    if (answer.events.length < answer.total) {
      summary.append(h('div', { class: 'muted list-summary' }, t('list.shown', { shown: formatCount(answer.events.length), total: formatCount(answer.total) })));
    }
  }
  replace(body, summary);
  // The export lists every event since the same start (the server makes the file).
  const since = answer.since;
  return { exportSource: () => ({ feed: { since } }) };
}
