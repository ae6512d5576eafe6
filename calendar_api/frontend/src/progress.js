// The first sync's progress: a bar while calendars are still being brought in from Google.
import { request } from "./api.js";

const $ = (id) => document.getElementById(id);

export async function watchProgress(url, onStep) {
  let seen = -1;
  for (;;) {
    let state;
    try {
      state = await request("GET", url);
    } catch (err) {
      return;
    }
    const box = $("progress");
    if (state.done >= state.total) {
      if (!box.hidden) onStep();
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const bar = $("progress-bar");
    bar.max = state.total;
    bar.value = state.done;
    const events = state.events.toLocaleString();
    // The weeks fetched first (state.windows calendars) are shown while the full sync runs.
    const first = state.windows ? "Your next days are shown. " : "";
    $("progress-label").textContent = `${first}Bringing in your events from Google: ${state.done} of ${state.total} calendars done, ${events} events stored so far`;
    if (state.events !== seen) onStep();
    seen = state.events;
    await new Promise((resolve) => window.setTimeout(resolve, 1000));
  }
}
