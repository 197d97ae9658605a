// page.js — the console page's form before the wasm has arrived.
//
// index.html carries the query form as plain HTML so that it can be typed into at once. Until the
// console takes it over (src/browser/takeover.rs), a press of "Get FUOTA task", "List tasks" or "Rollouts" is
// kept here and said, and the console carries it out when it arrives; "Forget credentials" clears
// the credential fields. The buttons are disabled in the HTML and enabled here: without
// JavaScript nothing can be pressed, and nothing typed is ever submitted to this site.
const form = document.querySelector('form.query[data-static]');
if (form) {
  const status = form.querySelector('[data-static-status]');
  const keep = (action) => (event) => {
    event.preventDefault();
    form.dataset.pendingAction = action;
    status.textContent = 'Loading the console… it will carry this out when it is ready.';
  };
  form.addEventListener('submit', keep('submit'));
  form.querySelector('[data-action=list-tasks]').addEventListener('click', keep('list-tasks'));
  form.querySelector('[data-action=list-rollouts]').addEventListener('click', keep('list-rollouts'));
  form.querySelector('[name=forget-credentials]').addEventListener('click', () => {
    for (const name of ['access-key-id', 'secret-access-key', 'session-token', 'credentials-paste']) form.elements[name].value = '';
  });
  for (const button of form.querySelectorAll('button')) button.disabled = false;

  // What the visitor did with this form, asked for by the console as it takes the form over: the
  // values and checkboxes changed from the markup's, *Endpoint* open, the press kept, and a way to
  // put the focus and its caret back where they were in the console's own form. This script reads
  // its own form (rather than the wasm, through a binding per DOM property: 2.5 KiB measured).
  form.fuotaTaken = () => {
    const values = {};
    const checks = {};
    for (const e of form.elements) {
      if (!e.name) continue;
      if (e.type === 'checkbox') {
        if (e.checked !== e.defaultChecked) checks[e.name] = e.checked;
      } else if (e.tagName === 'SELECT') {
        if (!e.selectedOptions[0]?.defaultSelected) values[e.name] = e.value;
      } else if ('defaultValue' in e && e.value !== e.defaultValue) {
        values[e.name] = e.value;
      }
    }
    const active = document.activeElement;
    const focus = active?.name && form.contains(active) ? active : null;
    const caret = typeof focus?.selectionStart === 'number' ? [focus.selectionStart, focus.selectionEnd, focus.selectionDirection] : null;
    return {
      values, checks, open: !!form.querySelector('details[open]'), pending: form.dataset.pendingAction ?? null,
      // Called by the console in the task that mounted its form. Leptos sets the controls'
      // values in a microtask it queued while building the form (tachys, `renderer/dom.rs`: so
      // that a <select> has its options first), and setting a value moves the caret to the end:
      // this microtask, queued after it, runs after it. A keystroke is a task, and no task runs
      // before the microtasks are done: none can land anywhere but where the visitor left off.
      restore: (into) => queueMicrotask(() => {
        const control = focus && into.querySelector(`[name="${CSS.escape(focus.name)}"]`);
        control?.focus();
        if (caret) control?.setSelectionRange?.(...caret);
      }),
    };
  };
}
