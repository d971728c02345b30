// @ts-check
import { each } from '../lib/each.js';

// A WhatsApp template's preview follows its variables as they are typed: {{1}}, {{2}} … replaced by the fields in
// order (the server fills it the same way, and empty ones with the contact's values when sending).

const VARIABLE = /\{\{\s*(\d+)\s*\}\}/g;

export const init = each('[data-template-form]', (/** @type {HTMLFormElement} */ form) => {
  const body = form.querySelector('[data-template-body]');
  const preview = form.querySelector('[data-template-preview]');
  if (!(body instanceof HTMLElement) || !preview) return;
  const template = body.dataset.templateBody ?? '';
  form.addEventListener('input', () => {
    const params = [...form.querySelectorAll('[data-template-param]')].map((input) =>
      input instanceof HTMLInputElement ? input.value.trim() : '',
    );
    preview.textContent = template.replace(VARIABLE, (m, n) => params[Number(n) - 1] || m);
  });
});
