// The login page: login and password, with the language switch; on success `onLogin()`.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

export function renderLogin(container, { onLogin, languageSwitch }) {
  const error = h('div', { class: 'error', role: 'alert', hidden: true });
  const login = h('input', { name: 'login', type: 'text', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('login.submit'));
  const form = h(
    'form',
    {
      class: 'login-form',
      onsubmit: async (event) => {
        event.preventDefault();
        submit.disabled = true;
        error.hidden = true;
        try {
          await api.login(login.value.trim(), password.value);
          await onLogin();
        } catch (e) {
          error.textContent = e.status === 401 ? t('login.wrong') : e.status === 429 ? t('login.too_many') : e.unreachable ? t('error.unreachable') : e.message;
          error.hidden = false;
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('div', { class: 'login-brand' }, h('span', { class: 'logo' }, 'V'), 'Voronka'),
    h('h1', {}, t('login.title')),
    h('label', {}, t('login.login'), login),
    h('label', {}, t('login.password'), password),
    error,
    submit,
    h('div', { class: 'login-footer' }, languageSwitch),
  );
  replace(container, h('div', { class: 'login-page' }, form));
}
