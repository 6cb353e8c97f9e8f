// Runs before the app's script has loaded (inlined into every page's head by `shell`).
// Forms made for the app (no `action`) would otherwise submit natively: a GET of the page
// with every field, passwords included, in the address, and the entry gone. Until the app
// has started, such a submit is held; once it has, what was typed is handed to the app's
// inputs and the held form is submitted for real. Server-function forms (the sign-in)
// post as plain forms and are left alone.
(function () {
  var held = null;
  document.addEventListener('submit', function (e) {
    if (window.__propdesk_hydrated) return;
    var action = e.target.getAttribute('action') || '';
    if (action.indexOf('/api/fn/') === 0) return;
    e.preventDefault();
    held = e.target;
    held.setAttribute('aria-busy', 'true');
  }, true);
  function changed(el) {
    if (el.type === 'checkbox' || el.type === 'radio') return el.checked !== el.defaultChecked;
    if (el.tagName === 'SELECT') {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return el.type !== 'file' && el.value !== el.defaultValue;
  }
  window.__propdesk_after_hydration = function () {
    document.querySelectorAll('input, textarea, select').forEach(function (el) {
      if (!changed(el)) return;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    if (held) {
      var form = held;
      held = null;
      form.removeAttribute('aria-busy');
      form.requestSubmit();
    }
  };
})();
