// A project's page: say so when an action's request fails, instead of
// leaving the button looking as if nothing happened.
(function () {
  function showFailure(kind) {
    var region = document.getElementById("bb-action-failure");
    if (!region) return;
    region.textContent = region.dataset[kind];
    region.classList.remove("d-none");
  }
  document.body.addEventListener("htmx:responseError", function (event) {
    showFailure(event.detail.xhr.status === 404 ? "notFound" : "failed");
  });
  document.body.addEventListener("htmx:sendError", function () {
    showFailure("offline");
  });
})();

// When an action's form opens, or comes back with errors, put the keyboard
// in its first field in error, else its first field.
document.body.addEventListener("htmx:afterSettle", function () {
  var forms = document.querySelectorAll("form[data-bb-focus]:not([data-bb-focused])");
  if (!forms.length) return;
  var form = forms[forms.length - 1];
  form.setAttribute("data-bb-focused", "");
  var field = form.querySelector(".is-invalid") ||
    form.querySelector("textarea, input:not([type=hidden]), select");
  if (field) field.focus();
});
