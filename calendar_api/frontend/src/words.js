// Recurrence rules, reminders and guests' answers in words.
const DAYS = { MO: "Monday", TU: "Tuesday", WE: "Wednesday", TH: "Thursday", FR: "Friday", SA: "Saturday", SU: "Sunday" };
const UNITS = { DAILY: ["day", "Daily"], WEEKLY: ["week", "Weekly"], MONTHLY: ["month", "Monthly"], YEARLY: ["year", "Yearly"] };

export function parseRule(lines) {
  const line = (lines || []).find((l) => l.toUpperCase().startsWith("RRULE:"));
  if (!line) return null;
  const rule = {};
  for (const part of line.slice(6).split(";")) {
    const [key, value] = part.split("=");
    if (key && value !== undefined) rule[key.toUpperCase()] = value;
  }
  return rule;
}

function untilText(until) {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(until || "");
  if (!m) return until;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toLocaleDateString(undefined, { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
}

export function ruleInWords(lines) {
  const rule = parseRule(lines);
  if (!rule || !UNITS[rule.FREQ]) return lines && lines.length ? lines.join("; ") : "";
  const [unit, adverb] = UNITS[rule.FREQ];
  const every = Number(rule.INTERVAL || 1);
  let text = every > 1 ? `Every ${every} ${unit}s` : adverb;
  if (rule.BYDAY) {
    const days = rule.BYDAY.split(",").map((d) => {
      const m = /^([+-]?\d+)?([A-Z]{2})$/.exec(d);
      if (!m) return d;
      const nth = m[1] ? `the ${ordinal(Number(m[1]))} ` : "";
      return nth + (DAYS[m[2]] || m[2]);
    });
    text += ` on ${listText(days)}`;
  }
  if (rule.COUNT) text += `, ${rule.COUNT} times`;
  if (rule.UNTIL) text += `, until ${untilText(rule.UNTIL)}`;
  return text;
}

function ordinal(n) {
  if (n === -1) return "last";
  const names = ["", "first", "second", "third", "fourth", "fifth"];
  return names[n] || `${n}th`;
}

export function listText(items) {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function minutesText(minutes) {
  if (minutes === 0) return "At the start";
  if (minutes % 1440 === 0) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}

function plural(n, unit) {
  return `${n} ${unit}${n === 1 ? "" : "s"} before`;
}

export function remindersText(reminders) {
  if (!reminders || reminders.useDefault !== false) return "The calendar's default";
  const overrides = reminders.overrides || [];
  if (!overrides.length) return "None";
  return overrides.map((o) => `${minutesText(o.minutes)} (${o.method === "email" ? "email" : "notification"})`).join(", ");
}

const ANSWERS = { accepted: "going", declined: "not going", tentative: "maybe", needsAction: "has not answered" };

export function answerText(status) {
  return ANSWERS[status] || "has not answered";
}
