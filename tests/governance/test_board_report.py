"""The board's quarterly online safety report (ORG-6): the quarters, the figures of a seeded
quarter equal to counts taken straight from the database, no child named in the page or the
PDF, who may read it and write its narrative (nothing changed on a refusal), the narrative kept
per quarter, each reading audited, and the report prepared at the quarter's end with the DSL
and the board's safeguarding champion told once."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pypdf import PdfReader

from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.concerns.models import Concern, ConcernEntry, EntryKind
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import PermissionDenied, ValidationFailed
from chaperon.core.scheduling import registered
from chaperon.governance.board import board_figures
from chaperon.governance.charts import board_charts
from chaperon.governance.models import BoardReport, FilterCheck, FilterCheckKind, Post
from chaperon.governance.quarters import Quarter, quarter_from_key, quarter_of
from chaperon.governance.services import (
    board_narrative_save,
    board_reports_prepare,
    team_post_give,
)
from chaperon.governance.tasks import prepare_board_reports_task
from chaperon.people.models import Organisation, Site, StaffMember
from chaperon.recordings.models import Recording, RecordingStatus
from chaperon.sessions.models import ExceptionStatus, Session, SessionException
from tests.concerns.helpers import public_concern
from tests.conftest import Cast, signed_in
from tests.mail_support import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.clause("ORG-6")]

CHILD_NAMES = ("Robin", "Alder", "Morgan", "Jessamy", "Quillfeather")


def _text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _session(cast: Cast, start: datetime, *, flagged: bool = False, title: str = "") -> Session:
    session = Session.objects.create(
        organisation=cast.organisation,
        organiser=cast.teacher,
        kind="one_to_one",
        title=title or "Catch-up with Jessamy Quillfeather",
        start=start,
        duration_minutes=30,
        status="booked",
        flagged=flagged,
    )
    session.learners.add(cast.learner)
    return session


def _exception(session: Session, cast: Cast, status: str, at: datetime) -> SessionException:
    return SessionException.objects.create(
        session=session,
        requested_by=cast.teacher,
        reason="Robin Alder can only meet in the evening",
        covers=["SES-3"],
        status=status,
        decided_by=cast.slt,
        decided_role="slt",
        decision_reason="Agreed for Robin Alder",
        decided_at=at,
    )


def _seed(cast: Cast) -> Quarter:
    """A quarter's worth of records naming children everywhere a child can be named; returns
    the current quarter (concerns are dated by when they are raised: now)."""
    now = timezone.now()
    quarter = quarter_of(cast.organisation.today())
    first = public_concern(
        cast.organisation, about_name="Robin Alder", description="Robin Alder was sent photos"
    )
    Concern.objects.filter(pk=first.pk).update(
        learner=cast.learner, acknowledged_at=first.created_at + timedelta(hours=2)
    )
    second = public_concern(cast.organisation, category="content", about_name="Jessamy")
    Concern.objects.filter(pk=second.pk).update(
        acknowledged_at=second.created_at + timedelta(hours=4)
    )
    public_concern(cast.organisation, category="contact")
    public_concern(cast.other_organisation, category="conduct")  # another school's
    ConcernEntry.objects.create(
        concern=first,
        at=now,
        author=cast.dsl,
        author_label=cast.dsl.full_name,
        kind=EntryKind.REFERRAL,
        summary="Referral to children's social care about Robin Alder",
    )
    since, _ = quarter.bounds(cast.organisation)
    _session(cast, since + timedelta(hours=10))
    flagged = _session(cast, since + timedelta(hours=11), flagged=True)
    _exception(flagged, cast, ExceptionStatus.APPROVED, since + timedelta(hours=1))
    _exception(flagged, cast, ExceptionStatus.REFUSED, since + timedelta(hours=2))
    # The quarter before: one session, one exception approved, one check.
    before, _ = quarter.previous().bounds(cast.organisation)
    old = _session(cast, before + timedelta(days=3))
    _exception(old, cast, ExceptionStatus.APPROVED, before + timedelta(days=2))
    FilterCheck.objects.create(
        organisation=cast.organisation,
        kind=FilterCheckKind.CHECK,
        checked_by=cast.ict,
        checked_on=quarter.previous().first_day + timedelta(days=5),
        note="Checked",
    )
    return quarter


def test_quarters_in_the_organisations_time() -> None:
    assert quarter_of(date(2026, 12, 7)) == Quarter(2026, 4)
    assert quarter_of(date(2027, 1, 1)) == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == Quarter(2026, 4)
    assert Quarter(2026, 4).following() == Quarter(2027, 1)
    assert Quarter(2026, 2).label == "April to June 2026"
    assert Quarter(2026, 2).last_day == date(2026, 6, 30)
    assert quarter_from_key("2026-q3") == Quarter(2026, 3)
    assert quarter_from_key("2026-q5") is None
    assert quarter_from_key("2026-Q3; drop") is None
    organisation = Organisation(time_zone="Europe/London")
    start, end = Quarter(2026, 2).bounds(organisation)
    # April begins in summer time: midnight in London is 23:00 the day before in UTC.
    assert start == datetime(2026, 3, 31, 23, 0, tzinfo=ZoneInfo("UTC"))
    assert end == datetime(2026, 6, 30, 23, 0, tzinfo=ZoneInfo("UTC"))


def test_the_figures_equal_counts_taken_from_the_database(cast: Cast) -> None:
    quarter = _seed(cast)
    organisation = cast.organisation
    since, until = quarter.bounds(organisation)
    today = organisation.today()
    figures = board_figures(organisation, quarter, today=today, now=timezone.now())
    current = figures.current
    assert [q.period for q in figures.quarters] == [
        quarter.previous().previous().previous(),
        quarter.previous().previous(),
        quarter.previous(),
        quarter,
    ]
    raised = Concern.objects.filter(
        organisation=organisation, created_at__gte=since, created_at__lt=until
    )
    assert current.concerns.raised == raised.count() == 3
    assert current.concerns.by_category == {
        "contact": raised.filter(category="contact").count(),
        "content": raised.filter(category="content").count(),
    }
    assert current.concerns.by_category == {"contact": 2, "content": 1}
    assert current.concerns.by_status == {"raised": 3}
    assert current.concerns.referrals == 1
    assert current.concerns.acknowledged == 2
    assert current.concerns.acknowledge_hours == 3.0  # (2 + 4) / 2
    sessions = Session.objects.filter(organisation=organisation, start__gte=since, start__lt=until)
    assert current.sessions.held == sessions.count() == 2
    assert current.sessions.flagged == sessions.filter(flagged=True).count() == 1
    assert current.exceptions_approved == 1
    assert current.exceptions_refused == 1
    staff = StaffMember.objects.filter(organisation=organisation, user__is_active=True).count()
    assert current.staff == staff == 8
    assert current.staff_up_to_date == staff  # the factories' staff are all current
    previous = figures.quarters[-2]
    assert previous.sessions.held == 1
    assert previous.exceptions_approved == 1
    assert previous.filtering_checks == 1
    assert previous.concerns.raised == 0
    # The exceptions granted in the quarter: who asked, who approved, in what role.
    [granted] = figures.granted
    assert (granted.decided_by, granted.decided_role, granted.requested_by) == (
        "Sam Laurel",
        "Senior leader",
        "Terry Finch",
    )
    assert granted.covers == ["SES-3"]
    assert [row.values[-1] for row in figures.rows][:3] == ["3", "0", "1"]


def test_recordings_destroyed_on_time_late_or_still_kept(cast: Cast) -> None:
    from tests.recordings.helpers import make_recording

    quarter = quarter_of(cast.organisation.today())
    since, _ = quarter.bounds(cast.organisation)
    due = since + timedelta(hours=1)
    recordings = [make_recording(cast) for _ in range(3)]
    Recording.objects.filter(pk=recordings[0].pk).update(
        retain_until=due, status=RecordingStatus.DESTROYED, destroyed_at=due + timedelta(hours=3)
    )
    Recording.objects.filter(pk=recordings[1].pk).update(
        retain_until=due, status=RecordingStatus.DESTROYED, destroyed_at=due + timedelta(days=3)
    )
    Recording.objects.filter(pk=recordings[2].pk).update(retain_until=due)
    figures = board_figures(
        cast.organisation,
        quarter,
        today=cast.organisation.today(),
        now=max(timezone.now(), due + timedelta(days=4)),
    )
    assert figures.current.recordings == {"due": 3, "on_time": 1, "late": 1, "kept": 1}
    assert figures.current.recordings_percent == 33


def test_no_child_is_named_in_the_page_or_the_pdf(cast: Cast) -> None:
    quarter = _seed(cast)
    board_narrative_save(
        actor=cast.dsl, quarter=quarter, narrative="Contact concerns rose; training is planned."
    )
    client = signed_in(cast.board)
    page = client.get(f"/governance/board/{quarter.key}/")
    assert page.status_code == 200
    html = page.content.decode()
    pdf = client.get(f"/governance/board/{quarter.key}/report.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = _text_of(pdf.content)
    for shown in (html, text):
        # The figures, the staff who approved, and the narrative are there ...
        assert "Sam Laurel" in shown
        assert "Contact concerns rose" in shown
        assert "Concerns raised" in shown
        # ... and no child, by any of the names in the records.
        for name in CHILD_NAMES:
            assert name not in shown, name
    # Three charts, drawn on the server, in the page and in the PDF.
    assert html.count('src="data:image/png;base64,') == 3
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf.content)).pages) == 3


def test_the_charts_are_png_images_with_a_text_alternative(cast: Cast) -> None:
    quarter = _seed(cast)
    figures = board_figures(
        cast.organisation, quarter, today=cast.organisation.today(), now=timezone.now()
    )
    charts = board_charts(figures)
    assert [chart.name for chart in charts] == ["concerns", "sessions", "compliance"]
    for chart in charts:
        assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
        assert "table beside it" in chart.alt


@pytest.mark.parametrize("name", ["dsl", "deputy", "slt", "board"])
def test_those_who_answer_to_the_board_read_the_report(cast: Cast, name: str) -> None:
    key = quarter_of(cast.organisation.today()).key
    client = signed_in(cast.user(name))
    assert client.get("/governance/board/").status_code == 200
    assert client.get(f"/governance/board/{key}/").status_code == 200
    assert client.get(f"/governance/board/{key}/report.pdf").status_code == 200


@pytest.mark.parametrize("name", ["teacher", "ict", "admin"])
def test_others_may_not_read_it_and_nothing_is_recorded(cast: Cast, name: str) -> None:
    key = quarter_of(cast.organisation.today()).key
    client = signed_in(cast.user(name))
    assert client.get("/governance/board/").status_code == 403
    assert client.get(f"/governance/board/{key}/").status_code == 403
    assert client.get(f"/governance/board/{key}/report.pdf").status_code == 403
    assert client.post(f"/governance/board/{key}/narrative/", {"narrative": "x"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.BOARD_REPORT_VIEWED).exists()
    assert not BoardReport.objects.exists()


def test_only_the_dsl_writes_the_narrative_and_a_refusal_changes_nothing(cast: Cast) -> None:
    quarter = quarter_of(cast.organisation.today()).previous()
    board_narrative_save(actor=cast.dsl, quarter=quarter, narrative="As the DSL wrote it.")
    for name in ("deputy", "slt", "board"):
        response = signed_in(cast.user(name)).post(
            f"/governance/board/{quarter.key}/narrative/", {"narrative": "Rewritten"}
        )
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            board_narrative_save(actor=cast.user(name), quarter=quarter, narrative="Rewritten")
    report = BoardReport.objects.get()
    assert report.narrative == "As the DSL wrote it."
    assert report.narrative_by == cast.dsl
    assert AuditEvent.objects.filter(action=AuditAction.BOARD_REPORT_NARRATIVE_SAVED).count() == 1


def test_the_narrative_is_kept_per_quarter_and_shown_in_both_forms(cast: Cast) -> None:
    quarter = quarter_of(cast.organisation.today())
    earlier = quarter.previous()
    client = signed_in(cast.dsl)
    response = client.post(
        f"/governance/board/{earlier.key}/narrative/",
        {"narrative": "The last quarter was quiet."},
    )
    assert response.status_code == 302
    assert "The last quarter was quiet." in client.get(f"/governance/board/{earlier.key}/").text
    assert "The last quarter was quiet." in _text_of(
        client.get(f"/governance/board/{earlier.key}/report.pdf").content
    )
    assert "The last quarter was quiet." not in client.get(f"/governance/board/{quarter.key}/").text
    report = BoardReport.objects.get(year=earlier.year, quarter=earlier.number)
    assert report.organisation == cast.organisation
    event = AuditEvent.objects.get(action=AuditAction.BOARD_REPORT_NARRATIVE_SAVED)
    assert event.details["quarter"] == earlier.key
    # Saving again replaces it, in the same quarter's report.
    client.post(f"/governance/board/{earlier.key}/narrative/", {"narrative": "Revised."})
    assert BoardReport.objects.get().narrative == "Revised."


def test_a_narrative_too_long_is_refused_with_the_field_and_nothing_saved(cast: Cast) -> None:
    quarter = quarter_of(cast.organisation.today())
    with pytest.raises(ValidationFailed) as refused:
        board_narrative_save(actor=cast.dsl, quarter=quarter, narrative="x" * 10001)
    assert "shorten it to 10000" in refused.value.errors["narrative"]
    response = signed_in(cast.dsl).post(
        f"/governance/board/{quarter.key}/narrative/", {"narrative": "x" * 10001}
    )
    assert response.status_code == 400
    assert "at most 10000 characters" in response.text
    assert not BoardReport.objects.exists()


def test_each_reading_is_audited_and_quarters_not_begun_are_not_found(cast: Cast) -> None:
    quarter = quarter_of(cast.organisation.today())
    client = signed_in(cast.board)
    client.get(f"/governance/board/{quarter.key}/")
    client.get(f"/governance/board/{quarter.key}/report.pdf")
    events = AuditEvent.objects.filter(action=AuditAction.BOARD_REPORT_VIEWED).order_by("pk")
    assert [(e.actor_id, e.details["quarter"], e.details["form"]) for e in events] == [
        (cast.board.pk, quarter.key, "page"),
        (cast.board.pk, quarter.key, "pdf"),
    ]
    assert client.get(f"/governance/board/{quarter.following().key}/").status_code == 404
    assert client.get("/governance/board/2026-q9/").status_code == 404


def test_each_school_reads_only_its_own_figures(cast: Cast) -> None:
    quarter = _seed(cast)
    html = signed_in(cast.outsider).get(f"/governance/board/{quarter.key}/").text
    assert "Sam Laurel" not in html
    assert "Kestrel Bank College" in html


def test_compliance_gaps_by_team(cast: Cast) -> None:
    site = Site.objects.create(organisation=cast.organisation, name="North campus")
    StaffMember.objects.filter(user__in=[cast.teacher, cast.teacher2]).update(site=site)
    StaffMember.objects.filter(user=cast.teacher).update(safeguarding_training_on=None)
    StaffMember.objects.filter(user=cast.ict).update(dbs_checked_on=date(2001, 1, 1))
    figures = board_figures(
        cast.organisation,
        quarter_of(cast.organisation.today()),
        today=cast.organisation.today(),
        now=timezone.now(),
    )
    gaps = {gap.site: (gap.staff, gap.dbs, gap.training, gap.aup) for gap in figures.gaps}
    assert gaps == {"North campus": (2, 0, 1, 0), "No site": (6, 1, 0, 0)}


def test_at_the_quarters_end_the_report_is_prepared_and_the_dsl_and_champion_told_once(
    cast: Cast, smtp_server: Mailbox, django_capture_on_commit_callbacks
) -> None:
    team_post_give(actor=SYSTEM, user=cast.board, post=Post.CHAMPION)
    with django_capture_on_commit_callbacks(execute=True):
        assert board_reports_prepare(today=date(2027, 1, 1)) == 2  # both schools
        assert board_reports_prepare(today=date(2027, 1, 1)) == 0
        assert board_reports_prepare(today=date(2027, 2, 15)) == 0
    subject = "Board report ready: October to December 2026"
    assert [m["Subject"] for m in smtp_server.to(cast.dsl.email)] == [subject]
    assert [m["Subject"] for m in smtp_server.to(cast.board.email)] == [subject]
    assert "/governance/board/2026-q4/" in smtp_server.to(cast.board.email)[0].get_content()
    assert not smtp_server.to(cast.deputy.email)
    assert not smtp_server.to(cast.teacher.email)
    report = BoardReport.objects.get(organisation=cast.organisation)
    assert (report.year, report.quarter) == (2026, 4)
    assert report.prepared_at is not None
    event = AuditEvent.objects.get(
        action=AuditAction.BOARD_REPORT_PREPARED, organisation_id=cast.organisation.pk
    )
    assert event.details["to"] == [cast.dsl.pk, cast.board.pk]


def test_the_periodic_task_is_registered(cast: Cast) -> None:
    names = [periodic.name for periodic in registered()]
    assert prepare_board_reports_task.module_path in names
    prepared = prepare_board_reports_task.call()
    assert prepared == 2
    assert prepare_board_reports_task.call() == 0
