/**
 * A daily local-time window such as `02:00-05:00` inside which failback is
 * allowed. A window whose end is before its start wraps past midnight
 * (`22:00-02:00`). Evaluated in `timeZone` (IANA name) or the process's
 * local time zone.
 */
export interface DailyWindow {
  /** Minutes after local midnight at which the window opens. */
  readonly startMinute: number;
  /** Minutes after local midnight at which the window closes (exclusive). */
  readonly endMinute: number;
}

const WINDOW_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses `HH:MM-HH:MM`; returns `null` when the text is not of that form or the window is empty. */
export function parseDailyWindow(text: string): DailyWindow | null {
  const m = WINDOW_PATTERN.exec(text.trim());
  if (!m) return null;
  const startMinute = Number(m[1]) * 60 + Number(m[2]);
  const endMinute = Number(m[3]) * 60 + Number(m[4]);
  if (startMinute === endMinute) return null;
  return { startMinute, endMinute };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | null): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(timeZone ? { timeZone } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/** True when `timeZone` is a time zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    formatters.delete(timeZone);
    return false;
  }
}

/** Seconds after local midnight at `now`. */
function localSecondOfDay(now: number, timeZone: string | null): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(now));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 3600 + get('minute') * 60 + get('second');
}

/** True when `now` falls inside the window. */
export function inDailyWindow(window: DailyWindow, now: number, timeZone: string | null): boolean {
  const minute = Math.floor(localSecondOfDay(now, timeZone) / 60);
  const { startMinute: s, endMinute: e } = window;
  return s < e ? minute >= s && minute < e : minute >= s || minute < e;
}

/**
 * Milliseconds from `now` until the window next opens (0 when it is open).
 * Across a daylight-saving change this can be off by the shift; callers
 * re-check at the returned time, so the error only delays by that shift.
 */
export function msUntilWindowOpens(window: DailyWindow, now: number, timeZone: string | null): number {
  if (inDailyWindow(window, now, timeZone)) return 0;
  const second = localSecondOfDay(now, timeZone);
  const start = window.startMinute * 60;
  const delta = (start - second + 86_400) % 86_400;
  return delta * 1000 - (now % 1000);
}
