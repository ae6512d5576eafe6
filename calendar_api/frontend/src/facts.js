// A term and its value in a description list (<dl>): text, or a node; nothing when empty.
export function fact(list, term, value) {
  if (value === "" || value === null || value === undefined) return;
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  if (value instanceof Node) dd.append(value);
  else dd.textContent = value;
  list.append(dt, dd);
}
