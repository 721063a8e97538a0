"""Gathering everything Chaperon holds about one person, one module per source, each reading
that source's selectors. What is gathered is plain JSON-able data (sections of items of
labelled fields), and each source lists the third parties it met on the way, for the DSL to
decide on before release.

``gather`` is called by ``services.subject_access_prepare`` once it has checked the DSL's
permission and that the person is of their organisation."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from chaperon.people.models import Guardian, Learner, StaffMember, User


@dataclass(frozen=True)
class Subject:
    kind: str
    person: Learner | Guardian | StaffMember
    zone: Any

    @property
    def learner_id(self) -> int | None:
        return self.person.pk if isinstance(self.person, Learner) else None

    @property
    def guardian_id(self) -> int | None:
        return self.person.pk if isinstance(self.person, Guardian) else None

    @property
    def staff(self) -> StaffMember | None:
        return self.person if isinstance(self.person, StaffMember) else None

    @property
    def user_id(self) -> int | None:
        return self.person.user_id if isinstance(self.person, StaffMember) else None

    @property
    def name(self) -> str:
        if isinstance(self.person, StaffMember):
            return self.person.user.full_name
        return self.person.full_name

    @property
    def key(self) -> str:
        """The subject's own key, as third parties are keyed: never listed as one."""
        if isinstance(self.person, StaffMember):
            return f"user:{self.person.user_id}"
        return f"{self.kind}:{self.person.pk}"

    def when(self, moment: datetime | date | None) -> str:
        """A time as the organisation reads it, or a date; empty for none."""
        if moment is None:
            return ""
        if isinstance(moment, datetime):
            return timezone.localtime(moment, self.zone).strftime("%Y-%m-%d %H:%M")
        return moment.isoformat()


@dataclass
class Party:
    key: str
    kind: str
    name: str
    aliases: set[str] = field(default_factory=set)
    found_in: set[str] = field(default_factory=set)


@dataclass
class Found:
    """The third parties met while gathering, by key."""

    subject: Subject
    parties: dict[str, Party] = field(default_factory=dict)

    def party(self, key: str, kind: str, name: str, *aliases: str, where: str) -> None:
        name = " ".join(name.split())
        if key == self.subject.key or not name:
            return
        party = self.parties.setdefault(key, Party(key=key, kind=kind, name=name))
        party.aliases.update(alias.strip() for alias in (name, *aliases) if alias and alias.strip())
        party.found_in.add(where)
        if kind == "reporter":  # the most guarded of what they are, whatever was met first
            party.kind = kind

    def learner(self, learner: Learner, *, where: str) -> None:
        self.party(
            f"learner:{learner.pk}", "learner", learner.full_name, learner.email, where=where
        )

    def guardian(self, guardian: Guardian, *, where: str) -> None:
        self.party(
            f"guardian:{guardian.pk}", "guardian", guardian.full_name, guardian.email, where=where
        )

    def staff(self, user: User | None, *, where: str) -> None:
        if user is not None:
            self.party(f"user:{user.pk}", "staff", user.full_name, user.email, where=where)

    def as_list(self) -> list[dict[str, Any]]:
        return [
            {
                "key": party.key,
                "kind": party.kind,
                "name": party.name,
                "aliases": sorted(party.aliases - {party.name}),
                "found_in": sorted(party.found_in),
            }
            for party in sorted(self.parties.values(), key=lambda each: each.key)
        ]


Fields = list[list[str]]


def item(heading: str, *fields: tuple[str, object]) -> dict[str, Any]:
    """One record of a section: a heading and its labelled values (empty values left out)."""
    shown = [[label, str(value)] for label, value in fields if value not in (None, "", [])]
    return {"heading": heading, "fields": shown}


def section(key: str, title: str, items: list[dict[str, Any]], note: str = "") -> dict[str, Any]:
    return {"key": key, "title": title, "items": items, "note": note}


def gather(subject: Subject) -> dict[str, Any]:
    """Everything held about ``subject``, source by source, and the third parties met."""
    from . import audit, concerns, consents, governance, record, sessions

    found = Found(subject)
    readers = (
        record.gather,
        consents.gather,
        sessions.sessions,
        sessions.attendance,
        sessions.meeting_records,
        concerns.gather,
        governance.gather,
        audit.gather,  # last: its actors are best named by the sources above
    )
    sections = [reader(subject, found) for reader in readers]
    return {
        "subject": {"kind": subject.kind, "name": subject.name},
        "sections": sections,
        "third_parties": found.as_list(),
    }
