// Copy buttons for the Developer page's examples (progressive: without this script the
// examples are plain, selectable text). Each <pre data-copy="what"> gets a "Copy" button.
function announce(text) {
  const status = document.getElementById("copy-status");
  if (status) {
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);
  }
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // http on another host than localhost: no Clipboard API, the old way still works.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  if (!done) throw new Error("copy refused");
}

function addButton(pre) {
  const code = pre.querySelector("code") || pre;
  const what = pre.dataset.copy || "the example";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = "Copy";
  button.setAttribute("aria-label", `Copy ${what}`);
  button.addEventListener("click", async () => {
    try {
      await copy(code.textContent.trim());
      button.textContent = "Copied";
      announce(`Copied ${what}.`);
    } catch {
      announce(`Could not copy ${what}: select it and copy it by hand.`);
    }
    window.setTimeout(() => { button.textContent = "Copy"; }, 2000);
  });
  pre.prepend(button);
}

document.querySelectorAll("pre[data-copy]").forEach(addButton);
