"""The training register (ORG-3): the organisation's courses, the completions recorded with
their evidence, and the reminders sent before a completion lapses. Recording the annual
safeguarding update moves the day on the member of staff's record forward (never back), which
the compliance figures and the session policy read (SES-10)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record
from chaperon.core.actors import SystemActor
from chaperon.core.email_queue import queue_email
from chaperon.core.exceptions import ValidationFailed
from chaperon.core.links import absolute_url
from chaperon.core.service_log import logged
from chaperon.core.validators import single_line_problem
from chaperon.people.models import Organisation, StaffMember, User
from chaperon.people.permissions import require, require_same_organisation
from chaperon.people.roles import Permission
from chaperon.people.services import staff_update

from ..certificates import CertificateFile, stored
from ..models import CourseFor, CourseKind, TrainingCompletion, TrainingCourse
from ..training import DEFAULT_COURSES, staff_required_to_take, valid_until

NAME_MAX_CHARACTERS = 200
CERTIFICATE_MAX_CHARACTERS = 200
NOTE_MAX_CHARACTERS = 2000
MAX_VALID_MONTHS = 120


@logged
def training_courses_ensure(
    *, actor: User | SystemActor, organisation: Organisation
) -> list[TrainingCourse]:
    """The organisation's courses, creating the four defaults the first time (induction, the
    annual safeguarding update, online safety, and DSL training for those who handle
    concerns). Safe to call every time the register is opened."""
    require_same_organisation(actor, organisation)
    courses = list(TrainingCourse.objects.filter(organisation=organisation))
    if courses:
        return courses
    try:
        with transaction.atomic():
            courses = [
                TrainingCourse.objects.create(
                    organisation=organisation,
                    name=default.name,
                    kind=default.kind,
                    valid_months=default.valid_months,
                    required_of=default.required_of,
                )
                for default in DEFAULT_COURSES
            ]
            record(
                action=AuditAction.TRAINING_COURSES_CREATED,
                actor=actor,
                obj=organisation,
                data={"courses": [course.pk for course in courses]},
            )
    except IntegrityError:  # opened by two people at the same moment: theirs stand
        courses = list(TrainingCourse.objects.filter(organisation=organisation))
    return courses


@logged
def training_course_add(
    *,
    actor: User,
    name: str,
    kind: str,
    valid_months: int,
    required_of: str,
) -> TrainingCourse:
    """Add a course to the actor's organisation."""
    require(actor, Permission.MANAGE_STAFF)
    errors = {}
    name = name.strip()
    if not name:
        errors["name"] = "give the course a name, such as 'Prevent awareness'"
    elif len(name) > NAME_MAX_CHARACTERS or single_line_problem(name):
        errors["name"] = f"one line of at most {NAME_MAX_CHARACTERS} characters"
    elif TrainingCourse.objects.filter(
        organisation_id=actor.organisation_id, name__iexact=name
    ).exists():
        errors["name"] = "there is a course of this name already: choose another name"
    if kind not in CourseKind.values:
        errors["kind"] = f"choose one of: {', '.join(CourseKind.values)}"
    if required_of not in CourseFor.values:
        errors["required_of"] = f"choose one of: {', '.join(CourseFor.values)}"
    if not 0 <= valid_months <= MAX_VALID_MONTHS:
        errors["valid_months"] = f"a number of months from 0 (never expires) to {MAX_VALID_MONTHS}"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            course = TrainingCourse.objects.create(
                organisation_id=actor.organisation_id,
                name=name,
                kind=kind,
                valid_months=valid_months,
                required_of=required_of,
            )
            record(
                action=AuditAction.TRAINING_COURSE_ADDED,
                actor=actor,
                obj=course,
                data={"kind": kind, "valid_months": valid_months, "required_of": required_of},
            )
    except IntegrityError:
        raise ValidationFailed(
            {"name": "there is a course of this name already: choose another name"}
        ) from None
    return course


def _course_of(actor: User, course_id: int) -> TrainingCourse:
    course = (
        TrainingCourse.objects.select_for_update()
        .filter(organisation_id=actor.organisation_id, pk=course_id)
        .first()
    )
    if course is None:
        raise ValidationFailed({"course": "No such course in your organisation's register."})
    return course


@logged
def training_course_rename(*, actor: User, course_id: int, name: str) -> TrainingCourse:
    """Give a course a new name. Its completions stay with it; the name it had is kept in
    ``former_names`` and the audit log."""
    require(actor, Permission.MANAGE_STAFF)
    name = name.strip()
    problem = ""
    if not name:
        problem = "give the course its new name"
    elif len(name) > NAME_MAX_CHARACTERS or single_line_problem(name):
        problem = f"one line of at most {NAME_MAX_CHARACTERS} characters"
    if problem:
        raise ValidationFailed({"name": problem})
    try:
        with transaction.atomic():
            course = _course_of(actor, course_id)
            if course.name == name:
                raise ValidationFailed({"name": "that is its name already: give a new one"})
            clash = TrainingCourse.objects.filter(
                organisation_id=actor.organisation_id, name__iexact=name
            ).exclude(pk=course.pk)
            if clash.exists():
                raise ValidationFailed(
                    {"name": "there is a course of this name already: choose another name"}
                )
            old = course.name
            course.former_names = [*course.former_names, old]
            course.name = name
            course.save(update_fields=["name", "former_names", "updated_at"])
            record(
                action=AuditAction.TRAINING_COURSE_RENAMED,
                actor=actor,
                obj=course,
                data={"from": old, "to": name},
            )
    except IntegrityError:
        raise ValidationFailed(
            {"name": "there is a course of this name already: choose another name"}
        ) from None
    return course


@logged
def training_course_retire(*, actor: User, course_id: int, retired: bool) -> TrainingCourse:
    """Retire a course (no longer required of anyone, no reminders; kept with its completions
    in the register), or bring a retired one back (``retired=False``)."""
    require(actor, Permission.MANAGE_STAFF)
    with transaction.atomic():
        course = _course_of(actor, course_id)
        if retired == (course.retired_on is not None):
            state = "retired already" if retired else "not retired"
            raise ValidationFailed({"course": f"{course.name} is {state}."})
        organisation = Organisation.objects.get(pk=actor.organisation_id)
        course.retired_on = organisation.today() if retired else None
        course.save(update_fields=["retired_on", "updated_at"])
        record(
            action=(
                AuditAction.TRAINING_COURSE_RETIRED
                if retired
                else AuditAction.TRAINING_COURSE_RESTORED
            ),
            actor=actor,
            obj=course,
            data={"name": course.name},
        )
    return course


@logged
def training_completion_record(
    *,
    actor: User,
    staff: StaffMember,
    course_id: int,
    completed_on: date,
    certificate: str = "",
    note: str = "",
    certificate_upload: CertificateFile | None = None,
) -> TrainingCompletion:
    """Record that ``staff`` completed the course on ``completed_on`` (not in the future),
    with the certificate's file (checked by ``certificates.certificate_file``), a reference
    to it and a note. A completion of the annual safeguarding
    update moves the training day on their staff record forward, never back."""
    require(actor, Permission.MANAGE_STAFF)
    require_same_organisation(actor, staff)
    course = TrainingCourse.objects.filter(
        pk=course_id, organisation_id=actor.organisation_id
    ).first()
    errors = {}
    if course is None:
        errors["course"] = "choose one of your organisation's courses"
    today = actor.organisation.today()
    if completed_on > today:
        errors["completed_on"] = (
            f"the day the course was completed, today ({today:%d/%m/%Y}) or before"
        )
    certificate, note = certificate.strip(), note.strip()
    if len(certificate) > CERTIFICATE_MAX_CHARACTERS or single_line_problem(certificate):
        errors["certificate"] = (
            f"one line of at most {CERTIFICATE_MAX_CHARACTERS} characters, such as the "
            "certificate's number"
        )
    if len(note) > NOTE_MAX_CHARACTERS:
        errors["note"] = f"at most {NOTE_MAX_CHARACTERS:,} characters; this has {len(note):,}"
    if errors or course is None:
        raise ValidationFailed(errors)
    with (
        stored(certificate_upload, organisation_id=actor.organisation_id) as path,
        transaction.atomic(),
    ):
        completion = TrainingCompletion.objects.create(
            organisation_id=actor.organisation_id,
            course=course,
            staff=staff,
            completed_on=completed_on,
            certificate=certificate,
            certificate_file=path,
            certificate_file_name=certificate_upload.name if certificate_upload else "",
            certificate_file_type=certificate_upload.content_type if certificate_upload else "",
            note=note,
            recorded_by=actor,
        )
        moved = course.kind == CourseKind.SAFEGUARDING_UPDATE and (
            staff.safeguarding_training_on is None or staff.safeguarding_training_on < completed_on
        )
        record(
            action=AuditAction.TRAINING_COMPLETION_RECORDED,
            actor=actor,
            obj=completion,
            data={
                "staff": staff.pk,
                "course": course.pk,
                "completion": completion.pk,
                "completed_on": completed_on.isoformat(),
                "certificate": bool(certificate),
                "certificate_file": bool(path),
                "training_date_moved": moved,
            },
        )
        if moved:
            # The day the compliance figures and the session policy read (SES-10).
            staff_update(actor=actor, staff=staff, safeguarding_training_on=completed_on)
    return completion


def _latest_completions(organisation_id: int) -> list[TrainingCompletion]:
    """Each active member of staff's latest completion of each course that lapses."""
    latest: dict[tuple[int, int], TrainingCompletion] = {}
    completions = (
        TrainingCompletion.objects.filter(
            organisation_id=organisation_id,
            course__valid_months__gt=0,
            staff__user__is_active=True,
        )
        .select_related("course", "staff__user", "staff__line_manager__user")
        .order_by("completed_on", "id")
    )
    for completion in completions:
        latest[(completion.staff_id, completion.course_id)] = completion
    return list(latest.values())


@logged
def training_reminders_send(*, today: date | None = None) -> int:
    """Email each member of staff (and their line manager, if they have one) whose latest
    completion of a course they must take lapses within the organisation's warning days: once
    per completion, ever. Safe to run as often as you like."""
    sent = 0
    for organisation in Organisation.objects.order_by("pk"):
        day = today or organisation.today()
        horizon = day + timedelta(days=organisation.compliance_warning_days)
        required: dict[int, set[int]] = {}
        for completion in _latest_completions(organisation.pk):
            if completion.reminded_on is not None:
                continue
            until = valid_until(completion.completed_on, completion.course.valid_months)
            if until is None or not day <= until <= horizon:
                continue
            course = completion.course
            if course.pk not in required:
                required[course.pk] = staff_required_to_take(course)
            if completion.staff_id not in required[course.pk]:
                continue
            sent += _send_reminder(completion, until, day)
    return sent


def _send_reminder(completion: TrainingCompletion, until: date, today: date) -> bool:
    staff = completion.staff
    recipients = [staff.user]
    manager = staff.line_manager
    if manager is not None and manager.user.is_active and manager.pk != staff.pk:
        recipients.append(manager.user)
    recipients = [user for user in recipients if user.email]
    with transaction.atomic():
        claimed = TrainingCompletion.objects.filter(
            pk=completion.pk, reminded_on__isnull=True
        ).update(reminded_on=today)
        if not claimed:  # sent from elsewhere at the same moment
            return False
        context = {
            "course": completion.course,
            "staff": staff,
            "completed_on": completion.completed_on,
            "until": until,
            "link": absolute_url(reverse("governance:my_training")),
        }
        for user in recipients:
            queue_email(
                to=user.email,
                subject=f"Training to renew: {completion.course.name} ({staff.user.full_name})",
                text=render_to_string(
                    "governance/email/training_reminder.txt",
                    {**context, "name": user.full_name, "own": user.pk == staff.user_id},
                ),
                purpose="training_reminder",
                obj=completion,
                organisation_id=completion.organisation_id,
            )
        record(
            action=AuditAction.TRAINING_REMINDER_SENT,
            obj=completion,
            reason="Training about to lapse",
            data={
                "completion": completion.pk,
                "course": completion.course_id,
                "staff": staff.pk,
                "to": [user.pk for user in recipients],
            },
        )
    return True
