// Writes guarded by the version the page showed. When the event changed at Google after the
// page showed it, the API answers 412; the person then sees Google's values, in words, and
// chooses: keep Google's version, or apply their own change to it. Nothing is overwritten
// without that choice.
import { ApiError, send } from "./api.js";
import { openDialog } from "./dialogs.js";
import { fact } from "./facts.js";
import { state } from "./state.js";
import { formatRange } from "./times.js";

const $ = (id) => document.getElementById(id);

// `{ method, url, body, etag, readUrl, what, mine }`: `readUrl` reads the event as it is now,
// `what` names it for the person, `mine` labels the button that applies their change anyway.
// Returns the write's answer, or null when the person kept Google's version.
export async function guardedWrite(write) {
  try {
    return await send(write.method, write.url, { body: write.body, ifMatch: write.etag });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 412) throw err;
    const latest = await send("GET", write.readUrl);
    if ((await askConflict(write.what, latest.data, write.mine)) !== "mine") return null;
    return guardedWrite({ ...write, etag: latest.etag });
  }
}

function whenOf(event) {
  const start = event.start || {};
  const end = event.end || {};
  if (start.date) return formatRange(start.date, end.date, true, state.zone);
  if (!start.dateTime) return "";
  return formatRange(start.dateTime, end.dateTime, false, state.zone);
}

// Google's current values of the event, as a list of facts.
export function describe(list, event) {
  list.replaceChildren();
  fact(list, "Title", event.summary || "(No title)");
  fact(list, "When", whenOf(event));
  fact(list, "Location", event.location || "");
  fact(list, "Description", event.description || "");
  fact(list, "Guests", (event.attendees || []).map((a) => a.email).join(", "));
}

// "mine", "theirs", or "theirs" when the dialog is closed some other way.
export function askConflict(what, current, mine) {
  const dialog = $("conflict");
  const deleted = !current || current.status === "cancelled";
  $("conflict-text").textContent = deleted
    ? `“${what}” was deleted at Google after this page showed it.`
    : `“${what}” was changed at Google after this page showed it. This is Google's version now:`;
  describe($("conflict-facts"), deleted ? {} : current);
  $("conflict-facts").hidden = deleted;
  $("conflict-mine").textContent = mine;
  $("conflict-mine").hidden = deleted;
  $("conflict-theirs").textContent = deleted ? "OK" : "Keep Google's version";
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "mine" ? "mine" : "theirs"), { once: true });
    openDialog(dialog, $("conflict-theirs"));
  });
}
