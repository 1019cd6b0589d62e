// Status badges of a card or a table row.

/** The status badges of a card or row: words and an icon, so the state never rests on colour alone. */
export function fillBadges(container, battery) {
  container.replaceChildren();
  if (battery.stale) container.append(badge('stale', 'STALE'));
  const alarms = battery.alarmText();
  if (alarms) container.append(badge('alarm', `ALARM: ${alarms}`));
}

function badge(kind, text) {
  const el = document.createElement('span');
  el.className = `badge badge-${kind}`;
  el.textContent = text;
  return el;
}
