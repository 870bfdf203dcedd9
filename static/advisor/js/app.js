// Sourcing Advisor: small progressive enhancements. Loaded with `defer`; no inline script (CSP).
(function () {
  "use strict";
  // After htmx swaps a new wizard step in, move focus to its heading so that keyboard and
  // screen-reader users continue from the new question (and hear it announced).
  document.addEventListener("htmx:afterSettle", function () {
    var heading = document.querySelector("#wizard-step [data-focus-on-swap]");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
      var summary = document.getElementById("error-summary");
      if (summary) summary.focus();
    }
  });
})();
