// Modal dialogs (<dialog>.showModal keeps focus inside); focus goes back where it came from.
const openers = new WeakMap();

export function openDialog(dialog, focusTarget) {
  if (!dialog.open) {
    openers.set(dialog, document.activeElement);
    dialog.showModal();
  }
  const first = focusTarget || dialog.querySelector("[autofocus], input:not([type=hidden]), select, textarea, button");
  if (first) first.focus();
}

export function closeDialog(dialog) {
  if (dialog.open) dialog.close();
}

export function anyOpen() {
  return Boolean(document.querySelector("dialog[open]"));
}

export function wireDialogs() {
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.addEventListener("close", () => {
      const opener = openers.get(dialog);
      openers.delete(dialog);
      if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
    });
    for (const button of dialog.querySelectorAll("[data-close]")) {
      button.addEventListener("click", () => closeDialog(dialog));
    }
  }
}

// Ask which events of a series a change is for: "instance", "following", "all" or null.
export function askScope(title) {
  const dialog = document.getElementById("scope");
  document.getElementById("scope-title").textContent = title;
  dialog.returnValue = "";
  dialog.querySelector('input[value="instance"]').checked = true;
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        const chosen = dialog.querySelector('input[name="scope"]:checked');
        resolve(dialog.returnValue === "ok" && chosen ? chosen.value : null);
      },
      { once: true },
    );
    openDialog(dialog, dialog.querySelector('input[value="instance"]'));
  });
}
