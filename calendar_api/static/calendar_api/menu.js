// A phone's header: the navigation folds behind a Menu button (a disclosure: aria-expanded)
// instead of wrapping over several lines. Without this script the navigation simply wraps.
(function () {
  function wire() {
    var bar = document.querySelector(".bar");
    var button = document.getElementById("menu-button");
    if (!bar || !button) return;
    bar.classList.add("foldable");
    button.hidden = false;
    function set(open) {
      button.setAttribute("aria-expanded", String(open));
      bar.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && bar.classList.contains("open") && !document.querySelector("dialog[open]")) {
        set(false);
        button.focus();
      }
    });
    // A dialog opened from the menu (time zone, settings) closes the menu behind it.
    document.getElementById("main-nav").addEventListener("click", function (ev) {
      if (ev.target.closest("button[aria-haspopup=dialog]")) set(false);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
