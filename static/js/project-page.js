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
