// Interface texts: one dictionary per language in /i18n/<lang>.json, looked up by key.

export const LANGUAGES = ['ru', 'en', 'pl'];
let language = 'ru';
let dictionary = {};

// Loads the dictionary of `lang` (one of LANGUAGES) and makes it current.
export async function setLanguage(lang) {
  const chosen = LANGUAGES.includes(lang) ? lang : 'en';
  const response = await fetch(`/i18n/${chosen}.json`, { credentials: 'same-origin' });
  dictionary = await response.json();
  language = chosen;
  document.documentElement.lang = chosen;
  localStorage.setItem('voronka.language', chosen);
}

// The language the user picked last on this browser, else `fallback`.
export function preferredLanguage(fallback) {
  return localStorage.getItem('voronka.language') || fallback || 'ru';
}

export function currentLanguage() {
  return language;
}

// The text of `key` with {name} placeholders filled from `params`; the key itself if missing.
export function t(key, params = {}) {
  const text = dictionary[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

// Fills every [data-i18n] element below `root` with its text, [data-i18n-placeholder] too.
export function translate(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-placeholder]')) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
}
