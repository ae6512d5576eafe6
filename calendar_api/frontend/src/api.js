// Calls to the REST API and the page's data endpoints, with the session and CSRF token.
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || `The server answered ${status}.`);
    this.status = status;
    this.code = (body && body.error && body.error.code) || "";
    this.fields = (body && body.error && body.error.fields) || {};
  }
}

let csrf = "";
export function setCsrf(token) {
  csrf = token;
}

// One call: `{ data, etag, status }`. `ifMatch` guards a write with the version the page
// showed (412 when it changed since); `ifNoneMatch` makes a read answer 304 when unchanged.
export async function send(method, url, { body, ifMatch, ifNoneMatch } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (method !== "GET") init.headers["X-CSRFToken"] = csrf;
  if (ifMatch) init.headers["If-Match"] = ifMatch;
  if (ifNoneMatch) init.headers["If-None-Match"] = ifNoneMatch;
  if (body instanceof URLSearchParams) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new ApiError(0, { error: { code: "offline", message: "The server could not be reached. Check your connection and try again." } });
  }
  const empty = response.status === 204 || response.status === 304;
  const data = empty ? null : await response.json().catch(() => null);
  if (!response.ok && response.status !== 304) throw new ApiError(response.status, data);
  return { data, etag: response.headers.get("ETag") || "", status: response.status };
}

export async function request(method, url, body) {
  return (await send(method, url, { body })).data;
}

export function eventUrl(api, calendarId, eventId, scope) {
  const base = `${api}${encodeURIComponent(calendarId)}/events/`;
  const one = eventId ? `${base}${encodeURIComponent(eventId)}/` : base;
  return scope === "following" ? `${one}?scope=following` : one;
}

// A guest as the API takes it back (Google adds read-only fields such as `self`, `organizer`).
const ATTENDEE_FIELDS = ["email", "displayName", "optional", "responseStatus", "comment", "additionalGuests", "resource"];
export function writableAttendee(guest) {
  return Object.fromEntries(ATTENDEE_FIELDS.filter((k) => guest[k] !== undefined).map((k) => [k, guest[k]]));
}
