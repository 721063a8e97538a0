"""Calendar arithmetic for the rules: age on a day, validity in years, calendar weeks."""

from datetime import date, timedelta

ADULT_AGE = 18


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: the earlier day, failing closed
        return day.replace(year=day.year + years, day=28)


def add_one_month(day: date) -> date:
    """The same day of the next calendar month; where that month is shorter, its last day
    (31 January is 28 February, or 29 February in a leap year; 31 December is 31 January).
    The one-month time limit of UK GDPR article 12(3), counted as the ICO says: from the day
    the request is received to the corresponding date in the next month."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years on ``day``: 18 on the 18th birthday itself. Someone born on 29 February
    has their birthday on 1 March in other years, as in UK law."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def is_minor(date_of_birth: date | None, day: date) -> bool:
    """Under 18 on ``day``. Not knowing the date of birth counts as a minor (fail closed)."""
    return date_of_birth is None or age_on(date_of_birth, day) < ADULT_AGE


def monday_of(day: date) -> date:
    """The Monday that starts ``day``'s calendar week (Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def valid_on(done_on: date | None, years: int, day: date) -> bool:
    """A check made on D with a validity of N years is valid up to and including D + N years.
    No date is never valid."""
    return done_on is not None and add_years(done_on, years) >= day


DAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_WORDS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """``Monday 23 November 2026``, whatever the process's locale."""
    return f"{DAY_WORDS[day.weekday()]} {day.day} {MONTH_WORDS[day.month - 1]} {day.year}"


def days_words(days: tuple[int, ...] | frozenset[int]) -> str:
    """``Monday to Friday``, ``Monday and Thursday``, ``Saturday``, ``every day``."""
    ordered = sorted(days)
    if len(ordered) == 7:
        return "every day"
    names = [DAY_WORDS[day] for day in ordered]
    if len(ordered) >= 3 and ordered[-1] - ordered[0] == len(ordered) - 1:
        return f"{names[0]} to {names[-1]}"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
