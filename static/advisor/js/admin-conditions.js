// Admin, a rule's conditions: each row's option picker offers only the options of the
// question chosen in that row (every <option> carries data-question). Loaded by the rule
// admin as a static file (no inline script, CSP); rows added later are handled too, since
// the listener is on the document. Without JavaScript every option stays listed, labelled
// with its question, and the server still refuses an option of another question.
(function () {
  "use strict";
  function questionOf(optionSelect) {
    var row = optionSelect.closest("tr, .inline-related");
    var question = row && row.querySelector("select[name$='-question']");
    return question ? question.value : "";
  }
  function filter(optionSelect) {
    var question = questionOf(optionSelect);
    Array.prototype.forEach.call(optionSelect.options, function (option) {
      var other = option.value && question && option.dataset.question !== question;
      option.hidden = !!other;
      option.disabled = !!other;
    });
    var chosen = optionSelect.selectedOptions[0];
    if (chosen && chosen.disabled) optionSelect.value = "";
  }
  function filterAll() {
    document.querySelectorAll("select[name$='-option'][data-filter-by-question]").forEach(filter);
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches("select[name$='-question']")) return;
    var row = target.closest("tr, .inline-related");
    var optionSelect = row && row.querySelector("select[name$='-option'][data-filter-by-question]");
    if (optionSelect) filter(optionSelect);
  });
  document.addEventListener("formset:added", filterAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", filterAll);
  } else {
    filterAll();
  }
})();
