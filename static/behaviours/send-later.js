// @ts-check

/**
 * Enter in a field that belongs to one of its form's buttons (`data-enter-presses="<button id>"`) presses that button,
 * not the form's first one: Enter in Send later's time field schedules the reply instead of sending it now.
 * @param {KeyboardEvent} event
 */
export function keydown(event) {
  if (event.key !== 'Enter' || !(event.target instanceof HTMLInputElement)) return;
  const id = event.target.dataset.enterPresses;
  const button = id ? document.getElementById(id) : null;
  if (!(button instanceof HTMLButtonElement)) return;
  event.preventDefault();
  button.click();
}
