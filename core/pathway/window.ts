/**
 * The optional time window of a pathway: components earned within N calendar months
 * before the award, and not expired at award time.
 */

/**
 * `date` minus `months` calendar months in UTC, the day clamped to the target month
 * (31 March minus one month is 28 or 29 February), the time of day kept.
 */
export function subtractMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() - months;
  const targetYear = year + Math.floor(month / 12);
  const targetMonth = ((month % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const result = new Date(date.getTime());
  result.setUTCFullYear(targetYear, targetMonth, Math.min(date.getUTCDate(), lastDay));
  return result;
}

/** Why a component falls outside the window, or undefined when it is inside. */
export function windowProblem({
  earnedAt,
  validUntil,
  awardTime,
  months,
}: {
  readonly earnedAt: Date | undefined;
  readonly validUntil: Date | undefined;
  readonly awardTime: Date;
  /** Undefined: the pathway has no window; only expiry at award time is checked. */
  readonly months: number | undefined;
}): string | undefined {
  if (validUntil !== undefined && validUntil < awardTime) return `expired on ${validUntil.toISOString()}, before the award (${awardTime.toISOString()})`;
  if (earnedAt !== undefined && earnedAt > awardTime) return `earned on ${earnedAt.toISOString()}, after the award (${awardTime.toISOString()})`;
  if (months === undefined) return undefined;
  if (earnedAt === undefined) return "says when it was earned nowhere (no awardedDate or validFrom), and the pathway has a window";
  const opens = subtractMonths(awardTime, months);
  if (earnedAt < opens) {
    return `earned on ${earnedAt.toISOString()}, more than ${months} month${months === 1 ? "" : "s"} before the award (window opens ${opens.toISOString()})`;
  }
  return undefined;
}
