/**
 * RFC 9110 §5.6.7: HTTP-date. IMF-fixdate, and the two obsolete formats a recipient MUST
 * accept (rfc850-date, asctime-date), read by following the grammar; anything else is not a
 * date. Names are matched case-insensitively (RFC 9111 §4.2 SHOULD); the zone must be GMT.
 */

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES_LONG = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A cursor over the lower-cased value: each read returns undefined when the grammar is not met. */
class Scanner {
  private i = 0;
  constructor(private readonly text: string) {}

  /** `count` DIGITs as a number. */
  digits(count: number): number | undefined {
    let n = 0;
    for (let k = 0; k < count; k++) {
      const c = this.text.charCodeAt(this.i + k);
      if (c < 48 || c > 57) return undefined;
      n = n * 10 + (c - 48);
    }
    this.i += count;
    return n;
  }

  /** The exact text `literal`. */
  literal(literal: string): boolean {
    if (!this.text.startsWith(literal, this.i)) return false;
    this.i += literal.length;
    return true;
  }

  /** One of `names`; returns its index. */
  oneOf(names: readonly string[]): number | undefined {
    for (const [index, name] of names.entries()) {
      if (this.text.startsWith(name, this.i) && !isAlpha(this.text.charCodeAt(this.i + name.length))) {
        this.i += name.length;
        return index;
      }
    }
    return undefined;
  }

  /** time-of-day = hour ":" minute ":" second */
  timeOfDay(): [number, number, number] | undefined {
    const hour = this.digits(2);
    if (hour === undefined || !this.literal(':')) return undefined;
    const minute = this.digits(2);
    if (minute === undefined || !this.literal(':')) return undefined;
    const second = this.digits(2);
    if (second === undefined || hour > 23 || minute > 59 || second > 60) return undefined;
    return [hour, minute, second];
  }

  get done(): boolean {
    return this.i === this.text.length;
  }
}

function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Days in a month of the proleptic Gregorian calendar (month 0-11). */
function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** ms since the epoch, or undefined when the day does not exist. A leap second (60) reads as 59: never later than written (RFC 9111 §4.2). */
function instant(year: number, month: number, day: number, [hour, minute, second]: [number, number, number]): number | undefined {
  if (day < 1 || day > daysIn(year, month)) return undefined;
  return Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
}

/** IMF-fixdate = day-name "," SP 2DIGIT SP month SP 4DIGIT SP time-of-day SP "GMT" */
function imfFixdate(s: Scanner): number | undefined {
  if (s.oneOf(DAY_NAMES) === undefined || !s.literal(', ')) return undefined;
  const day = s.digits(2);
  if (day === undefined || !s.literal(' ')) return undefined;
  const month = s.oneOf(MONTHS);
  if (month === undefined || !s.literal(' ')) return undefined;
  const year = s.digits(4);
  const time = year === undefined ? undefined : timeInGmt(s);
  return time === undefined ? undefined : instant(year!, month, day, time);
}

/** rfc850-date = day-name-l "," SP 2DIGIT "-" month "-" 2DIGIT SP time-of-day SP "GMT" */
function rfc850Date(s: Scanner, now: number): number | undefined {
  if (s.oneOf(DAY_NAMES_LONG) === undefined || !s.literal(', ')) return undefined;
  const day = s.digits(2);
  if (day === undefined || !s.literal('-')) return undefined;
  const month = s.oneOf(MONTHS);
  if (month === undefined || !s.literal('-')) return undefined;
  const yy = s.digits(2);
  const time = yy === undefined ? undefined : timeInGmt(s);
  return time === undefined ? undefined : instant(fullYear(yy!, now), month, day, time);
}

/** SP time-of-day SP "GMT", and nothing after: how IMF-fixdate and rfc850-date end. */
function timeInGmt(s: Scanner): [number, number, number] | undefined {
  if (!s.literal(' ')) return undefined;
  const time = s.timeOfDay();
  return time !== undefined && s.literal(' gmt') && s.done ? time : undefined;
}

/** asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP 4DIGIT */
function asctimeDate(s: Scanner): number | undefined {
  if (s.oneOf(DAY_NAMES) === undefined || !s.literal(' ')) return undefined;
  const month = s.oneOf(MONTHS);
  if (month === undefined || !s.literal(' ')) return undefined;
  const day = s.literal(' ') ? s.digits(1) : s.digits(2);
  if (day === undefined || !s.literal(' ')) return undefined;
  const time = s.timeOfDay();
  if (time === undefined || !s.literal(' ')) return undefined;
  const year = s.digits(4);
  if (year === undefined || !s.done) return undefined;
  return instant(year, month, day, time);
}

/** RFC 9110 §5.6.7: a two-digit year more than 50 years ahead is the most recent past year with those digits. */
function fullYear(yy: number, now: number): number {
  const current = new Date(now).getUTCFullYear();
  let year = current - (current % 100) + yy;
  if (year > current + 50) year -= 100;
  else if (year <= current - 50) year += 100;
  return year;
}

/**
 * An HTTP-date in ms since the epoch, or undefined when `value` is not one (callers decide what
 * that means: an invalid Expires is already expired, an invalid Date is as good as none).
 * `now` resolves rfc850's two-digit years.
 */
export function parseHttpDate(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.length < 24 || value.length > 40) return undefined;
  const text = value.toLowerCase();
  if (text[3] === ',') return imfFixdate(new Scanner(text));
  if (text[3] === ' ') return asctimeDate(new Scanner(text));
  return rfc850Date(new Scanner(text), now);
}
