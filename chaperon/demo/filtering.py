"""The demo school's filtering and monitoring (ORG-5): a report from the web filter imported by
the network manager, with serious entries for learners, one about a member of staff and one
that matches nobody; a check this term, and a yearly review that is overdue (all fictional)."""

from datetime import date, timedelta

from chaperon.governance.services import filter_check_record, filter_report_import
from chaperon.people.models import Organisation, User

from . import data

# (days ago, time, user, domain, category, action, device)
ENTRIES = [
    (6, "09:42", "L0006", "forum-of-sadness.example", "self harm", "flagged", "LIB-PC-04"),
    (6, "11:05", "L0003", "spin-and-win.example", "gambling", "blocked", "IT2-PC-11"),
    (5, "13:20", "teacher2@larkspur.example", "free-films.example", "piracy", "blocked", ""),
    (4, "10:15", "L0008", "call-to-arms.example", "extremism", "flagged", "IT1-PC-07"),
    (4, "14:50", "guest-laptop-03", "adult-site.example", "pornography", "blocked", ""),
    (3, "12:30", "L0002", "free-cheats.example", "malware", "blocked", "IT1-PC-02"),
    (2, "15:10", "L0005", "group-chat.example", "bullying", "flagged", "LIB-PC-01"),
]


def add_filtering(organisation: Organisation, today: date) -> None:
    def staff(local: str) -> User:
        return User.objects.get(email=f"{local}@{data.EMAIL_DOMAIN}")

    rows = [
        f"{(today - timedelta(days=ago)).isoformat()}T{time}:00,{user},{domain},{category},"
        f"{action},{device},"
        for ago, time, user, domain, category, action, device in ENTRIES
    ]
    text = "\n".join(["occurred_at,user,domain,category,action,device,detail", *rows]) + "\n"
    imported = filter_report_import(
        actor=staff(data.FILTERING_CHECKED_BY),
        organisation=organisation,
        text=text,
        file_name="web-filter.csv",
    )
    if imported.report is None:
        raise RuntimeError("the demo's filtering report was refused: " + str(imported.errors))
    filter_check_record(
        actor=staff(data.FILTERING_REVIEWED_BY),
        kind="review",
        note="Reviewed the filter's categories and the monitoring alerts with the network "
        "manager and the headteacher.",
        checked_on=today - timedelta(days=400),
    )
    filter_check_record(
        actor=staff(data.FILTERING_CHECKED_BY),
        kind="check",
        note="Read the half-term's reports; two flagged searches passed to the DSL.",
        checked_on=today - timedelta(days=40),
    )
