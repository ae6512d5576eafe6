// The Settings dialog: working hours (the analytics read them), the week's first day, 12- or
// 24-hour times and the view the page opens on, saved per person through the REST API
// (PATCH /rest/v1/preferences/); the grid follows at once.
import { send } from "./api.js";
import { openDialog } from "./dialogs.js";
import { firstDay, gridTime } from "./prefs.js";
import { announce, state } from "./state.js";

const $ = (id) => document.getElementById(id);
const FIELDS = ["work_start", "work_end", "work_days", "week_start", "time_format", "default_view"];

function fill(form, saved) {
  form.elements.work_start.value = saved.work_start;
  form.elements.work_end.value = saved.work_end;
  for (const box of form.querySelectorAll('[name="work_days"]')) box.checked = saved.work_days.includes(Number(box.value));
  form.elements.week_start.value = String(saved.week_start);
  form.elements.time_format.value = saved.time_format;
  form.elements.default_view.value = saved.default_view;
}

function body(form) {
  return {
    work_start: form.elements.work_start.value,
    work_end: form.elements.work_end.value,
    work_days: [...form.querySelectorAll('[name="work_days"]:checked')].map((b) => Number(b.value)),
    week_start: Number(form.elements.week_start.value),
    time_format: form.elements.time_format.value,
    default_view: form.elements.default_view.value,
  };
}

function showErrors(fields) {
  for (const name of FIELDS) {
    const text = (fields[name] || []).join(" ");
    $(`es-${name}`).textContent = text;
    const input = $(`s-${name}`);
    if (input) input.setAttribute("aria-invalid", String(Boolean(text)));
  }
}

function apply() {
  state.calendar.setOption("firstDay", firstDay());
  state.calendar.setOption("eventTimeFormat", gridTime());
  state.calendar.setOption("slotLabelFormat", gridTime());
}

export function wireSettings() {
  const form = $("settings-form");
  $("settings-button").addEventListener("click", () => {
    fill(form, state.config.settings);
    showErrors({});
    openDialog($("settings-dialog"));
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      state.config.settings = (await send("PATCH", state.config.settingsApi, { body: body(form) })).data;
    } catch (err) {
      showErrors(Object.keys(err.fields || {}).length ? err.fields : { default_view: [err.message] });
      return;
    }
    $("settings-dialog").close();
    apply();
    announce("Settings saved.");
  });
}
