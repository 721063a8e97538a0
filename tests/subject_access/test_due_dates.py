"""The one-month time limit (UK GDPR article 12(3)): to the same day of the next month, or
that month's last day where it is shorter."""

from datetime import date

import pytest

from chaperon.core.pure.dates import add_one_month

pytestmark = [pytest.mark.clause("ORG-7")]


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 3), date(2026, 4, 3)),
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2028, 1, 29), date(2028, 2, 29)),
        (date(2026, 1, 29), date(2026, 2, 28)),
        (date(2026, 1, 28), date(2026, 2, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 2, 28), date(2026, 3, 28)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2026, 12, 1), date(2027, 1, 1)),
    ],
)
def test_a_request_is_due_a_calendar_month_after_it_is_received(received, due) -> None:
    assert add_one_month(received) == due
