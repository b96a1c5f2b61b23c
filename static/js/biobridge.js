/* Behaviour that templates declare with data attributes, because the
 * Content Security Policy allows no inline scripts or event handlers.
 * Handlers are delegated from the document, so content that htmx swaps in
 * behaves the same without being wired again.
 *
 *   data-bb-autosubmit     a <select> that submits its form when changed
 *   data-bb-remove="SEL"   a button that removes its closest SEL (a form)
 *   data-bb-select         an input whose text is selected when clicked
 *   data-bb-confirm="TEXT" a form that asks TEXT before it is submitted
 *   data-bb-height="PX"    an element whose height is PX pixels, computed
 *                          by the server (a chart with one bar per row)
 *   data-bb-currencies='{"ID": "CUR"}' with data-bb-currency-field="NAME"
 *                          a <select> of agreements: choosing one sets the
 *                          form's field NAME to that agreement's currency
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const field = event.target.closest("[data-bb-autosubmit]");
    if (field && field.form) {
      field.form.requestSubmit();
    }
    const agreement = event.target.closest("[data-bb-currencies]");
    if (agreement && agreement.form) {
      const currency = JSON.parse(agreement.dataset.bbCurrencies)[agreement.value];
      const target = agreement.form.elements[agreement.dataset.bbCurrencyField];
      if (currency && target) {
        target.value = currency;
      }
    }
  });

  document.addEventListener("click", function (event) {
    const remover = event.target.closest("[data-bb-remove]");
    if (remover) {
      const target = remover.closest(remover.dataset.bbRemove);
      if (target) {
        target.remove();
      }
      return;
    }
    const selectable = event.target.closest("[data-bb-select]");
    if (selectable) {
      selectable.select();
    }
  });

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("[data-bb-confirm]");
    if (form && !window.confirm(form.dataset.bbConfirm)) {
      event.preventDefault();
    }
  });

  function sizeWithin(root) {
    const elements = root.querySelectorAll ? root.querySelectorAll("[data-bb-height]") : [];
    const all = root.matches && root.matches("[data-bb-height]") ? [root, ...elements] : elements;
    all.forEach(function (element) {
      const height = parseInt(element.dataset.bbHeight, 10);
      if (height > 0) {
        // Setting a style from a script is allowed; an inline style is not.
        element.style.height = height + "px";
      }
    });
  }

  // This script comes at the end of the body: the page is there to size,
  // before any chart script measures it.
  sizeWithin(document);
  document.addEventListener("htmx:load", function (event) {
    sizeWithin(event.detail.elt);
  });
})();
