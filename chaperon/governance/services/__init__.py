from .acceptable_use import (
    aup_publish,
    aup_requests_ask,
    aup_requests_send,
    aup_sign,
    aup_sign_by_link,
)
from .erasure import staff_agreements_and_training_erase
from .filtering import (
    FilterImport,
    filter_check_record,
    filter_entry_raise_concern,
    filter_report_import,
)
from .team import POST_PERMISSION, published_contact_set, team_post_give, team_post_take
from .training import (
    training_completion_record,
    training_course_add,
    training_courses_ensure,
    training_reminders_send,
)

__all__ = [
    "POST_PERMISSION",
    "FilterImport",
    "aup_publish",
    "aup_requests_ask",
    "aup_requests_send",
    "aup_sign",
    "aup_sign_by_link",
    "filter_check_record",
    "filter_entry_raise_concern",
    "filter_report_import",
    "published_contact_set",
    "staff_agreements_and_training_erase",
    "team_post_give",
    "team_post_take",
    "training_completion_record",
    "training_course_add",
    "training_courses_ensure",
    "training_reminders_send",
]
