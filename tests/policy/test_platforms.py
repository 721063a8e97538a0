"""The register of approved platforms (ORG-4): a platform is risk-assessed before use, the
register keeps each assessment, and only the DSL or an administrator adds to it."""

from datetime import date

import pytest

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from chaperon.policy.models import ApprovedPlatform
from chaperon.policy.services import platform_register
from tests.conftest import Cast, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-4")]

FORM = {
    "key": "schoolmeet",
    "name": "School Meet",
    "risk_assessed_on": "2026-11-02",
    "risk_assessment": "Suitable for 11 to 18; waiting room and passcode enforced by our account.",
    "organisation_account": "on",
    "waiting_room": "on",
    "passcode": "on",
}


def test_the_dsl_registers_a_platform_with_its_risk_assessment(cast: Cast) -> None:
    response = signed_in(cast.dsl).post("/sessions/platforms/", FORM)
    assert response.status_code == 302
    platform = ApprovedPlatform.objects.get(organisation=cast.organisation, key="schoolmeet")
    assert platform.risk_assessed_on == date(2026, 11, 2)
    assert platform.risk_assessment.startswith("Suitable for 11 to 18")
    assert platform.organisation_account
    assert platform.settings["waiting_room"] and platform.settings["passcode"]
    assert not platform.settings["participant_screen_share"]
    [event] = AuditEvent.objects.filter(action=AuditAction.PLATFORM_REGISTERED)
    assert (event.actor_id, event.object_id) == (cast.dsl.pk, str(platform.pk))
    page = signed_in(cast.teacher).get("/sessions/platforms/").content.decode()
    assert "School Meet" in page


@pytest.mark.parametrize("name", ["teacher", "slt", "ict", "board"])
def test_others_read_the_register_but_cannot_add_to_it(cast: Cast, name: str) -> None:
    before = AuditEvent.objects.count()
    response = signed_in(cast.user(name)).post("/sessions/platforms/", FORM)
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        platform_register(
            actor=cast.user(name),
            organisation=cast.organisation,
            key="schoolmeet",
            name="School Meet",
            risk_assessed_on=date(2026, 11, 2),
            risk_assessment="Assessed",
            organisation_account=True,
            settings={},
        )
    assert not ApprovedPlatform.objects.exists()
    assert AuditEvent.objects.count() == before


def test_nobody_registers_for_another_organisation(cast: Cast) -> None:
    # The other organisation's DSL may manage their own register; ours is "not found" to them.
    with pytest.raises(NotFound):
        platform_register(
            actor=cast.outsider,
            organisation=cast.organisation,
            key="schoolmeet",
            name="School Meet",
            risk_assessed_on=date(2026, 11, 2),
            risk_assessment="Assessed",
            organisation_account=True,
            settings={},
        )
    assert not ApprovedPlatform.objects.exists()


def test_chaperons_own_room_and_a_second_entry_are_refused_by_name(cast: Cast) -> None:
    signed_in(cast.dsl).post("/sessions/platforms/", FORM)
    for key, message in (
        ("builtin", "builtin is Chaperon's own room; choose another name"),
        ("schoolmeet", "schoolmeet is already on the register"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            platform_register(
                actor=cast.dsl,
                organisation=cast.organisation,
                key=key,
                name="Another",
                risk_assessed_on=date(2026, 11, 2),
                risk_assessment="Assessed",
                organisation_account=True,
                settings={},
            )
        assert refused.value.errors == {"key": message}
    assert ApprovedPlatform.objects.count() == 1


def test_a_platform_without_its_risk_assessment_is_refused(cast: Cast) -> None:
    response = signed_in(cast.dsl).post("/sessions/platforms/", {**FORM, "risk_assessment": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ApprovedPlatform.objects.exists()
