// The wall display's clock: the time in the event's zone, ticking every second, in the page's
// language. clockText is pure (tested under Node, tests/js/clock.test.mjs).

export function clockText(date, timeZone, locale) {
  const format = new Intl.DateTimeFormat(locale || "en", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZone,
  });
  return format.format(date);
}

function start() {
  const clock = document.getElementById("wall-clock");
  if (!clock) return;
  const { timezone } = clock.dataset;
  const locale = document.documentElement.lang;
  const tick = () => {
    const now = new Date();
    clock.textContent = clockText(now, timezone, locale);
    clock.dateTime = now.toISOString();
  };
  tick();
  // Align the ticks with the second, so the display never skips or repeats one.
  setTimeout(() => { tick(); setInterval(tick, 1000); }, 1000 - (Date.now() % 1000));
}

if (typeof document !== "undefined") start();
