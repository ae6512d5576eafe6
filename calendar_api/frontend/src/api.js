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

export async function request(method, url, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (method !== "GET") init.headers["X-CSRFToken"] = csrf;
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
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export function eventUrl(api, calendarId, eventId, scope) {
  const base = `${api}${encodeURIComponent(calendarId)}/events/`;
  const one = eventId ? `${base}${encodeURIComponent(eventId)}/` : base;
  return scope === "following" ? `${one}?scope=following` : one;
}
