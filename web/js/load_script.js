// Loads a classic script (the chart and grid libraries) once, on first use, so the first
// screen does not wait for a megabyte of library before asking for its numbers.

import { t } from './i18n.js';

const loading = new Map();

// Resolves when the script at `src` has run; a failed load may be retried.
export function loadScript(src) {
  if (!loading.has(src)) {
    const promise = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => {
        loading.delete(src);
        script.remove();
        reject(new Error(t('error.library', { src })));
      };
      document.head.append(script);
    });
    loading.set(src, promise);
  }
  return loading.get(src);
}
