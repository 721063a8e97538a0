"""Webinar benchmark: what one change in a webinar's room costs the server, at 30 and at 300
viewers.

    python bench/webinar.py [--quick]

On a throwaway database of its own (``bench/database.py``), a fictional school holds a recorded
webinar: three presenters (the host and two colleagues) and, at each size, that many learners
watching, every one admitted and connected to the room on the media server. Each change in a
room (someone arrives, a hand goes up, the host spotlights someone) makes every connection
recompute what its person sees (``selectors.room_view``) and, on the media server, what it
receives (``selectors.sfu_receiving``). Measured in-process, side by side for both sizes:

  * ``viewer_view_ms``: one viewer's view and receiving, median of many;
  * ``host_view_ms``: the host's (who sees everyone, so it grows with the room);
  * ``change_fanout_ms``: every connection's view once, the work a change everyone sees (the
    room locked, a spotlight) costs the server in all; ``viewer_queries``, the database queries
    of one viewer's view;
  * ``arrival_fanout_ms`` and ``arrival_views``: the views one viewer's arrival, admission or
    agreement makes the server compute (``broadcast.person_changed``: the presenters' and the
    viewer's own, not the other viewers').

Targets: a viewer's view costs the same at 300 viewers as at 30 (``viewer_growth`` near 1), so
that a change everyone sees costs about 300 small views, not 300 views of the whole room; and a
viewer's arrival costs the same few views at 300 as at 30. ``--quick`` repeats fewer times (a
few seconds). The last line printed is one JSON object.
"""

import argparse
import json
import logging
import os
import platform
import statistics
import time
from datetime import date, timedelta
from typing import Any

from database import bench_database

SIZES = (30, 300)
PRESENTERS = 3


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "chaperon.settings.test"
    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0, interactive=False)


def _webinar(viewers: int, number: int) -> tuple[int, int, list[int]]:
    """A started webinar on the SFU with its presenters and ``viewers`` learners in the room:
    the host's participant id, a viewer's, and every participant id."""
    from django.utils import timezone

    from chaperon.core.actors import SYSTEM
    from chaperon.people import services as people
    from chaperon.people.models import Learner
    from chaperon.people.roles import Role
    from chaperon.rooms.models import Media, Participant, Presence, Room
    from chaperon.sessions.models import Invitation, Session

    organisation = people.organisation_create(
        actor=SYSTEM, name=f"Bench Webinar School {number}", slug=f"webinar{number}"
    )
    staff = [
        people.staff_create(
            actor=SYSTEM,
            organisation=organisation,
            email=f"presenter{index}@webinar{number}.example",
            full_name=f"Presenter {index}",
            roles=[Role.TEACHER],
            password=None,
        ).user
        for index in range(PRESENTERS)
    ]
    now = timezone.now()
    session = Session.objects.create(
        organisation=organisation,
        organiser=staff[0],
        kind="webinar",
        title="Careers webinar",
        start=now - timedelta(minutes=5),
        duration_minutes=45,
        status="open",
        recording_enabled=True,
        recording_purpose="Watching again",
    )
    session.staff.add(*staff)
    learners = Learner.objects.bulk_create(
        Learner(
            organisation=organisation,
            first_name=f"Viewer{index}",
            last_name="Bench",
            date_of_birth=date(2010, 1 + index % 12, 1 + index % 28),
            year_group="Year 10",
        )
        for index in range(viewers)
    )
    session.learners.add(*learners)
    invitations = Invitation.objects.bulk_create(
        Invitation(
            session=session,
            role=Invitation.Role.LEARNER,
            person_id=learner.pk,
            display_name=learner.full_name,
            email=f"viewer{learner.pk}@webinar{number}.example",
        )
        for learner in learners
    )
    room = Room.objects.create(session=session, media=Media.SFU, started_at=now, ends_at=now)
    people_in = [
        Participant(
            room=room,
            user=user,
            display_name=user.full_name,
            role=Invitation.Role.STAFF,
            is_host=index == 0,
            presence=Presence.ADMITTED,
            connected=True,
            agreed_at=now,
        )
        for index, user in enumerate(staff)
    ] + [
        Participant(
            room=room,
            invitation=invitation,
            device_hash=f"{invitation.pk:064d}",
            display_name=invitation.display_name,
            role=Invitation.Role.LEARNER,
            presence=Presence.ADMITTED,
            connected=True,
            agreed_at=now,
        )
        for invitation in invitations
    ]
    made = Participant.objects.bulk_create(people_in)
    ids = [participant.pk for participant in made]
    return ids[0], ids[-1], ids


def _told_of_an_arrival(ids: list[int], arriving: int) -> list[int]:
    """The connections that recompute their view when a viewer arrives, is let in or agrees
    (``broadcast.person_changed``): those that see comings and goings, and the viewer's own."""
    from chaperon.rooms.broadcast import sees_comings_and_goings
    from chaperon.rooms.models import Participant

    roles = dict(Participant.objects.filter(pk__in=ids).values_list("pk", "role"))
    told = [pk for pk in ids if sees_comings_and_goings("webinar", roles[pk])]
    return [*told, arriving]


def _one_view(participant_id: int) -> None:
    from chaperon.rooms import selectors

    selectors.room_view(participant_id=participant_id)
    selectors.sfu_receiving(participant_id=participant_id)


def _median_ms(participant_id: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        _one_view(participant_id)
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 2)


def _queries(participant_id: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _one_view(participant_id)
    return len(captured.captured_queries)


def _fanout_ms(ids: list[int], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        for participant_id in ids:
            _one_view(participant_id)
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeats, fanouts = (20, 1) if args.quick else (100, 3)
    with bench_database("chaperon_bench_webinar") as where:
        _setup_django()
        print(
            f"machine: Python {platform.python_version()}; {platform.machine()}; "
            f"{os.cpu_count()} cores; load average "
            f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}"
        )
        print(f"database: {where}")
        figures: dict[str, dict[str, float]] = {}
        for number, size in enumerate(SIZES):
            host, viewer, ids = _webinar(size, number)
            _one_view(viewer)  # warm
            row = {
                "viewer_view_ms": _median_ms(viewer, repeats),
                "host_view_ms": _median_ms(host, max(5, repeats // 4)),
                "viewer_queries": _queries(viewer),
                "change_fanout_ms": _fanout_ms(ids, fanouts),
                "arrival_fanout_ms": _fanout_ms(_told_of_an_arrival(ids, viewer), fanouts),
                "arrival_views": len(_told_of_an_arrival(ids, viewer)),
            }
            figures[str(size)] = row
            print(f"{size} viewers: {row}", flush=True)
        small, large = figures[str(SIZES[0])], figures[str(SIZES[1])]
        result: dict[str, Any] = {
            "bench": "webinar",
            "quick": args.quick,
            "viewers": list(SIZES),
            "viewer_view_ms": [small["viewer_view_ms"], large["viewer_view_ms"]],
            "viewer_growth": round(large["viewer_view_ms"] / small["viewer_view_ms"], 2),
            "viewer_queries": [small["viewer_queries"], large["viewer_queries"]],
            "host_view_ms": [small["host_view_ms"], large["host_view_ms"]],
            "change_fanout_ms": [small["change_fanout_ms"], large["change_fanout_ms"]],
            "arrival_fanout_ms": [small["arrival_fanout_ms"], large["arrival_fanout_ms"]],
            "arrival_views": [small["arrival_views"], large["arrival_views"]],
        }
        print(json.dumps(result))


if __name__ == "__main__":
    main()
