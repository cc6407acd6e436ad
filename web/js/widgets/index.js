// Every widget kind by name (saved_report: a report of the report builder). A kind module exports render(body, widget) → {exportSource}.
import * as breakdown from './breakdown.js';
import * as deals from './deals.js';
import * as feed from './feed.js';
import * as forecast from './forecast.js';
import * as funnel from './funnel.js';
import * as goals from './goals.js';
import * as grouped from './grouped.js';
import * as kpi from './kpi.js';
import * as saved_report from './saved_report.js';
import * as trend from './trend.js';

export const WIDGET_KINDS = { breakdown, deals, feed, forecast, funnel, goals, grouped, kpi, saved_report, trend };
