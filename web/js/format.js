// Numbers, money, shares, days and dates for display, in the interface language (Intl).
import { currentLanguage } from './i18n.js';

let currency = 'RUB';
let timeZone = 'UTC';
const cache = new Map();

// Sets the workspace currency and time zone used by every formatter below.
export function setWorkspaceFormats(workspace) {
  currency = workspace?.currency || 'RUB';
  timeZone = workspace?.time_zone || 'UTC';
  cache.clear();
}

function formatter(kind, options) {
  const key = `${currentLanguage()}|${kind}|${currency}|${timeZone}`;
  if (!cache.has(key)) {
    const locale = { ru: 'ru-RU', en: 'en-GB', pl: 'pl-PL' }[currentLanguage()] || 'en-GB';
    const make = kind.startsWith('date') ? Intl.DateTimeFormat : Intl.NumberFormat;
    cache.set(key, new make(locale, options));
  }
  return cache.get(key);
}

const isEmpty = (value) => value === null || value === undefined || value === '';

// A count: 1 234.
export function formatCount(value) {
  if (isEmpty(value)) return '—';
  return formatter('count', { maximumFractionDigits: 0 }).format(Number(value));
}

// Money from the API's "123000.00": whole units in lists and plates, cents when `exact`.
export function formatMoney(value, { exact = false } = {}) {
  if (isEmpty(value)) return '—';
  const digits = exact ? 2 : 0;
  const options = {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  };
  return formatter(exact ? 'money-exact' : 'money', options).format(Number(value));
}

// Money shortened for chart axes: 1,2 млн ₽.
export function formatMoneyShort(value) {
  if (isEmpty(value)) return '—';
  const options = { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 };
  return formatter('money-short', options).format(Number(value));
}

// Money for a headline plate: whole units up to a million, then three significant digits
// (27,9 млн ₽, 100 млн ₽, 1,23 млрд ₽) so that the number fits a plate on a laptop screen;
// the exact amount is in the plate's tooltip and its drill-down.
export function formatMoneyHeadline(value) {
  if (isEmpty(value)) return '—';
  if (Math.abs(Number(value)) < 1e6) return formatMoney(value);
  const options = { style: 'currency', currency, notation: 'compact', maximumSignificantDigits: 3 };
  return formatter('money-headline', options).format(Number(value));
}

// A share 0.3333 as 33.3 %.
export function formatRatio(value) {
  if (isEmpty(value)) return '—';
  return formatter('ratio', { style: 'percent', maximumFractionDigits: 1 }).format(Number(value));
}

// Days or minutes with one decimal.
export function formatDecimal(value) {
  if (isEmpty(value)) return '—';
  return formatter('decimal', { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(
    Number(value),
  );
}

// An instant from the API ("2024-03-01T10:00:00Z") as a date in the workspace time zone.
export function formatDate(value) {
  if (isEmpty(value)) return '—';
  return formatter('date', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(
    new Date(value),
  );
}

// An instant as a date and time of day in the workspace time zone.
export function formatDateTime(value) {
  if (isEmpty(value)) return '—';
  const options = { timeZone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' };
  return formatter('date-time', options).format(new Date(value));
}

// A bucket label (2024-03-05, 2024-03, 2024-Q1, 2024) for a chart axis.
export function formatBucket(bucket) {
  if (!bucket) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(bucket)) {
    const [y, m, d] = bucket.split('-').map(Number);
    return formatter('date-day', { timeZone: 'UTC', day: 'numeric', month: 'short' }).format(
      new Date(Date.UTC(y, m - 1, d)),
    );
  }
  if (/^\d{4}-\d{2}$/.test(bucket)) {
    const [y, m] = bucket.split('-').map(Number);
    return formatter('date-month', { timeZone: 'UTC', month: 'short', year: '2-digit' }).format(
      new Date(Date.UTC(y, m - 1, 1)),
    );
  }
  return bucket;
}

// A value of a metric of the given kind (count, money, ratio, days).
export function formatValue(value, kind) {
  switch (kind) {
    case 'money':
      return formatMoney(value);
    case 'ratio':
      return formatRatio(value);
    case 'days':
    case 'minutes':
    case 'decimal':
      return formatDecimal(value);
    default:
      return formatCount(value);
  }
}

// The change of `value` against `previous` as a signed percentage, or null when undefined.
export function change(value, previous) {
  if (isEmpty(value) || isEmpty(previous)) return null;
  const now = Number(value);
  const before = Number(previous);
  if (before === 0) return now === 0 ? 0 : null;
  return (now - before) / Math.abs(before);
}

// A signed percentage: +12.5 %, −3 %.
export function formatChange(ratio) {
  if (ratio === null || ratio === undefined) return '';
  const options = { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' };
  return formatter('change', options).format(ratio);
}
