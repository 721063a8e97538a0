"""Every rule of the policy has its fix on the session pages: the engine names the rules, the
sessions app says how to put each right."""

from chaperon.policy.engine.catalogue import RULE_IDS, RULES
from chaperon.sessions.fixes import _BOOKING_FIELD, FIXES, fix_for


def test_every_rule_has_its_fix_and_every_fix_a_rule() -> None:
    assert set(FIXES) == RULE_IDS
    for rule in RULES:
        assert fix_for(rule.id).endswith("."), rule.id


def test_a_fix_that_names_a_part_of_the_session_names_one_the_booking_form_has() -> None:
    parts = {rule: fix for rule, fix in FIXES.items() if fix.part}
    assert all(fix.part in _BOOKING_FIELD and fix.label for fix in parts.values())
    # Fixes that are no change to the session's parts: a question to ask, another member of
    # staff, the preparation page.
    assert set(FIXES) - set(parts) == {
        "recording.comfort_check",
        "staff.suspended",
        "session.risk_assessment",
    }


def test_an_unknown_rule_has_no_fix() -> None:
    assert fix_for("duration.forever") == ""
