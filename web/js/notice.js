// Short messages at the bottom of the screen, and the banner shown while the server is away.
import { h } from './dom.js';
import { t } from './i18n.js';

// Shows `message` for a few seconds.
export function showToast(message) {
  const toast = h('div', { class: 'toast', role: 'status' }, message);
  document.body.append(toast);
  setTimeout(() => toast.remove(), 5000);
}

// Shows or hides the "server unreachable" banner.
export function setOffline(offline) {
  let banner = document.getElementById('offline-banner');
  if (!offline) {
    banner?.remove();
    return;
  }
  if (banner) return;
  banner = h('div', { id: 'offline-banner', class: 'offline-banner', role: 'alert' }, t('error.unreachable'));
  document.body.prepend(banner);
}
