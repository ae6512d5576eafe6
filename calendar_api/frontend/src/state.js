// What the modules share: the page's configuration, the calendar, and a way to say things.
export const state = {
  config: null,
  calendar: null,
  zone: "UTC",
  refresh: () => {},
};

export function calendarById(id) {
  return state.config.calendars.find((c) => c.id === id);
}

export function announce(text) {
  const region = document.getElementById("announcer");
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}
