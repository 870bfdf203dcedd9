// Sourcing Advisor: small progressive enhancements. Loaded with `defer`; no inline script (CSP).
(function () {
  "use strict";
  // After htmx swaps a new step in, move focus to its heading so screen readers announce it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var heading = target.querySelector("[data-focus-on-swap]");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });
})();
