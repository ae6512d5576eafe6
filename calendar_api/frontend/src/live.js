// Live updates: server-sent events from the change log. EventSource reconnects by itself and
// sends Last-Event-ID, so the server replays what was missed; if the browser gives up (the
// server answered an error), we start again from the last id we saw.
export function listen(url, after, onChange) {
  let last = String(after || 0);
  let source = null;
  let wait = 1000;
  const connect = () => {
    source = new EventSource(`${url}?after=${encodeURIComponent(last)}`);
    source.addEventListener("open", () => {
      wait = 1000;
      document.body.dataset.live = "on";
    });
    source.addEventListener("change", (ev) => {
      if (ev.lastEventId) last = ev.lastEventId;
      try {
        onChange(JSON.parse(ev.data));
      } catch (err) {
        onChange({});
      }
    });
    source.addEventListener("error", () => {
      document.body.dataset.live = "off";
      if (source.readyState === EventSource.CLOSED) {
        window.setTimeout(connect, wait);
        wait = Math.min(wait * 2, 30000);
      }
    });
  };
  connect();
}
