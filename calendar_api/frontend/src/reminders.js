// The event form's reminders: the calendar's default, or up to five of one's own (Google's
// limit), each a method (notification or email) and a time before the event.
const $ = (id) => document.getElementById(id);
const MAX = 5;
const UNITS = [
  ["minutes", 1],
  ["hours", 60],
  ["days", 1440],
  ["weeks", 10080],
];

function select(label, options, value) {
  const element = document.createElement("select");
  element.setAttribute("aria-label", label);
  for (const [text, optionValue] of options) element.add(new Option(text, optionValue));
  element.value = value;
  return element;
}

// 90 minutes stays "90 minutes"; 120 reads "2 hours".
function split(minutes) {
  for (const [name, size] of [...UNITS].reverse()) {
    if (minutes % size === 0 && minutes >= size) return [minutes / size, name];
  }
  return [minutes, "minutes"];
}

function addRow(reminder) {
  const list = $("f-reminder-list");
  const n = list.children.length + 1;
  const [amount, unit] = split(reminder.minutes);
  const li = document.createElement("li");
  const how = select(`Reminder ${n}: how`, [["Notification", "popup"], ["Email", "email"]], reminder.method);
  const number = document.createElement("input");
  Object.assign(number, { type: "number", min: "0", max: "40320", value: String(amount) });
  number.setAttribute("aria-label", `Reminder ${n}: how long before`);
  const units = select(`Reminder ${n}: unit`, UNITS.map(([name]) => [name, name]), unit);
  const before = document.createElement("span");
  before.textContent = "before";
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "close";
  remove.textContent = "×";
  remove.setAttribute("aria-label", `Remove reminder ${n}`);
  remove.addEventListener("click", () => {
    li.remove();
    renumber();
  });
  li.append(how, number, units, before, remove);
  list.append(li);
  showAdd();
}

function renumber() {
  [...$("f-reminder-list").children].forEach((li, index) => {
    const [how, number, units, , remove] = li.children;
    how.setAttribute("aria-label", `Reminder ${index + 1}: how`);
    number.setAttribute("aria-label", `Reminder ${index + 1}: how long before`);
    units.setAttribute("aria-label", `Reminder ${index + 1}: unit`);
    remove.setAttribute("aria-label", `Remove reminder ${index + 1}`);
  });
  showAdd();
}

function showAdd() {
  const own = !$("f-remind-default").checked;
  $("f-reminder-list").hidden = !own;
  $("f-reminder-add").hidden = !own || $("f-reminder-list").children.length >= MAX;
}

// Google's `reminders` object into the form.
export function setReminders(reminders) {
  $("f-reminder-list").replaceChildren();
  const own = Boolean(reminders && reminders.useDefault === false);
  $("f-remind-default").checked = !own;
  for (const o of own ? reminders.overrides || [] : []) addRow(o);
  showAdd();
}

// The form's reminders as Google's `reminders` object.
export function readReminders() {
  if ($("f-remind-default").checked) return { useDefault: true };
  const overrides = [...$("f-reminder-list").children].map((li) => {
    const [how, number, units] = li.children;
    const size = Object.fromEntries(UNITS)[units.value];
    return { method: how.value, minutes: Math.round(Number(number.value) * size) };
  });
  return { useDefault: false, overrides };
}

export function wireReminders() {
  $("f-remind-default").addEventListener("change", () => {
    if (!$("f-remind-default").checked && !$("f-reminder-list").children.length) addRow({ method: "popup", minutes: 10 });
    showAdd();
  });
  $("f-reminder-add").addEventListener("click", () => {
    addRow({ method: "popup", minutes: 10 });
    $("f-reminder-list").lastElementChild.querySelector("input").focus();
  });
}
