// Each account's sync status in words ("Synced just now", "Syncing… 1,200 events so far",
// "Not synced yet"), fetched from /web/status/ when the live stream or the first sync's
// progress says something changed, and put in words again every 20 seconds as time passes.
import { request } from "./api.js";

let accounts = [];
let url = "";
let pending = null;

export function statusWords(account, now = Date.now(), locale = navigator.language) {
  const how = account.live ? "live updates" : "checked every few minutes";
  if (!account.active) return "Not syncing: connect it again";
  if (account.syncing) return `Syncing… ${account.events.toLocaleString(locale)} events so far · ${how}`;
  if (!account.last_synced_at) return `Not synced yet · ${how}`;
  return `Synced ${ago(Date.parse(account.last_synced_at), now, locale)} · ${how}`;
}

function ago(then, now, locale) {
  const seconds = Math.max(0, (now - then) / 1000);
  if (seconds < 60) return "just now";
  const words = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (seconds < 3600) return words.format(-Math.floor(seconds / 60), "minute");
  if (seconds < 86400) return words.format(-Math.floor(seconds / 3600), "hour");
  return words.format(-Math.floor(seconds / 86400), "day");
}

function show() {
  for (const account of accounts) {
    const line = document.querySelector(`[data-account="${account.id}"] [data-sync-status]`);
    if (line) line.textContent = statusWords(account);
  }
}

export async function refreshStatus() {
  try {
    accounts = (await request("GET", url)).accounts;
  } catch (err) {
    return; // the words stay as they were; the next change tries again
  }
  show();
}

export function refreshStatusSoon() {
  window.clearTimeout(pending);
  pending = window.setTimeout(refreshStatus, 300);
}

export function watchStatus(statusUrl) {
  url = statusUrl;
  refreshStatus();
  window.setInterval(show, 20000);
}
