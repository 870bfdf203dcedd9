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

// Copy buttons: <button data-copy="#input-id"> copies that input's value.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var input = document.querySelector(button.getAttribute("data-copy"));
  var status = document.querySelector("[data-copy-status]");
  if (!input) return;
  input.select();
  var done = function () { if (status) status.textContent = "Copied to the clipboard."; };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(done, function () {
      if (status) status.textContent = "Select the link and copy it with Ctrl+C (Cmd+C on a Mac).";
    });
  } else {
    document.execCommand("copy");
    done();
  }
});
