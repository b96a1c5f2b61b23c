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
 *   data-bb-unsaved="TEXT" a region of forms saved one at a time, each a
 *                          form[data-bb-section="NAME"]: a form with edits
 *                          not saved shows its [data-bb-unsaved-badge];
 *                          saving one while others hold unsaved edits asks
 *                          TEXT ({section}: the one saved, {sections}: the
 *                          others, joined by data-bb-unsaved-join), and
 *                          leaving the page asks the browser's question.
 *                          A form the server sent back with errors carries
 *                          data-bb-section-unsaved: its edits are not saved.
 *   data-bb-currencies='{"ID": "CUR"}' with data-bb-currency-field="NAME"
 *                          a <select> of agreements: choosing one sets the
 *                          form's field NAME to that agreement's currency
 *   data-bb-check-all="ID" a checkbox that ticks or clears every row's
 *                          checkbox of the bulk form ID
 *   data-bb-popup          a box of results under a field (the search's
 *                          live results): emptied on Escape or a click
 *                          outside its parent
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const field = event.target.closest("[data-bb-autosubmit]");
    if (field && field.form) {
      field.form.requestSubmit();
    }
    const checkAll = event.target.closest("[data-bb-check-all]");
    if (checkAll) {
      const selector = 'input[type="checkbox"][name="selected"][form="' +
        checkAll.dataset.bbCheckAll + '"]';
      document.querySelectorAll(selector).forEach(function (box) {
        box.checked = checkAll.checked;
      });
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

  // --- Unsaved edits in a region of separately saved forms ---------------
  const SECTION = "[data-bb-unsaved] form[data-bb-section]";
  const savedState = new WeakMap();
  let submitting = false;

  function formState(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function hasUnsavedEdits(form) {
    return form.hasAttribute("data-bb-section-unsaved") || formState(form) !== savedState.get(form);
  }

  function showUnsaved(form) {
    const badge = form.querySelector("[data-bb-unsaved-badge]");
    if (badge) {
      badge.classList.toggle("d-none", !hasUnsavedEdits(form));
    }
  }

  document.querySelectorAll(SECTION).forEach(function (form) {
    savedState.set(form, formState(form));
    showUnsaved(form);
  });

  function onEdit(event) {
    const form = event.target.closest && event.target.closest(SECTION);
    if (form) {
      showUnsaved(form);
    }
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  // Rows added by a page's own script ("Add a row") change a form too; look
  // once that script has run.
  document.addEventListener("click", function (event) {
    const form = event.target.closest(SECTION);
    if (form && event.target.closest("button[type=button]")) {
      window.setTimeout(function () {
        showUnsaved(form);
      }, 0);
    }
  });

  document.addEventListener("submit", function (event) {
    const form = event.target.closest(SECTION);
    if (!form || event.defaultPrevented) {
      return;
    }
    const region = form.closest("[data-bb-unsaved]");
    const others = Array.from(region.querySelectorAll("form[data-bb-section]")).filter(
      function (other) {
        return other !== form && hasUnsavedEdits(other);
      }
    );
    if (others.length) {
      const names = others.map(function (other) {
        return other.dataset.bbSection;
      });
      const question = region.dataset.bbUnsaved
        .split("{section}")
        .join(form.dataset.bbSection)
        .split("{sections}")
        .join(names.join(region.dataset.bbUnsavedJoin || ", "));
      if (!window.confirm(question)) {
        event.preventDefault();
        return;
      }
    }
    submitting = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting) {
      return;
    }
    const unsaved = Array.from(document.querySelectorAll(SECTION)).some(hasUnsavedEdits);
    if (unsaved) {
      // Browsers show their own words; any value asks the question.
      event.preventDefault();
      event.returnValue = "";
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

  function closePopups(except) {
    document.querySelectorAll("[data-bb-popup]").forEach(function (popup) {
      if (!except || !popup.parentElement.contains(except)) {
        popup.replaceChildren();
      }
    });
  }

  document.addEventListener("click", function (event) {
    closePopups(event.target);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      closePopups(null);
    }
  });
})();
