// Rows of the partner and terms forms: "Add a row" copies the formset's
// empty form, and each cost-share row shows its total as it is typed. The
// server decides; this only spares a round trip for a row that does not add
// up to 100.
(function () {
  "use strict";

  function addRow(prefix) {
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) return;
    var index = parseInt(total.value, 10);
    rows.insertAdjacentHTML(
      "beforeend",
      template.innerHTML.replace(/__prefix__/g, String(index))
    );
    total.value = String(index + 1);
    var first = rows.querySelector(
      '[name^="' + prefix + "-" + index + '-"]:not([type="hidden"])'
    );
    if (first) first.focus();
  }

  function showTotal(row) {
    var output = row.querySelector("[data-share-total]");
    if (!output) return;
    var hundredths = 0;
    var filled = false;
    row.querySelectorAll("[data-share]").forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) {
        filled = true;
        hundredths += Math.round(value * 100);
      }
    });
    output.textContent = filled ? (hundredths / 100).toFixed(2) + " %" : "";
    output.classList.toggle("text-danger", filled && hundredths !== 10000);
    output.classList.toggle("text-success", filled && hundredths === 10000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (button) addRow(button.dataset.addRow);
  });
  document.addEventListener("input", function (event) {
    var row = event.target.closest("[data-share-row]");
    if (row) showTotal(row);
  });
  document.querySelectorAll("[data-share-row]").forEach(showTotal);
})();
