"""The demo school's safeguarding team beyond the staff roles (ORG-1): the governor who is the
board's safeguarding champion, the online safety group, the ICT lead, and the telephone
extensions published for the DSL and the deputy (fictional numbers)."""

from chaperon.core.actors import SYSTEM
from chaperon.governance.services import published_contact_set, team_post_give
from chaperon.people.models import Organisation, User

from . import data


def add_team(organisation: Organisation) -> None:
    def staff(local: str) -> User:
        return User.objects.get(email=f"{local}@{data.EMAIL_DOMAIN}")

    for local, post in data.TEAM_POSTS:
        team_post_give(actor=SYSTEM, user=staff(local), post=post)
    for local, line in data.PUBLISHED_CONTACTS:
        published_contact_set(actor=SYSTEM, user=staff(local), line=line)
