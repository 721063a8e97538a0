from .acceptable_use import (
    aup_publish,
    aup_requests_ask,
    aup_requests_send,
    aup_sign,
    aup_sign_by_link,
)
from .board import board_narrative_save, board_reports_prepare
from .board_meetings import board_meeting_add, board_meeting_reminders_send, board_meeting_remove
from .erasure import filter_entries_forget_concerns, staff_agreements_and_training_erase
from .filtering import (
    FilterImport,
    filter_check_record,
    filter_entry_raise_concern,
    filter_report_import,
)
from .review import (
    annual_review_action_add,
    annual_review_action_done,
    annual_review_findings_save,
    annual_review_new_version,
    annual_review_risk_add,
    annual_review_sign_off,
    annual_review_start,
)
from .self_review import self_review_action_add, self_review_action_mark, self_review_record
from .team import POST_PERMISSION, published_contact_set, team_post_give, team_post_take
from .training import (
    training_completion_record,
    training_course_add,
    training_course_rename,
    training_course_retire,
    training_courses_ensure,
    training_reminders_send,
)

__all__ = [
    "POST_PERMISSION",
    "FilterImport",
    "annual_review_action_add",
    "annual_review_action_done",
    "annual_review_findings_save",
    "annual_review_new_version",
    "annual_review_risk_add",
    "annual_review_sign_off",
    "annual_review_start",
    "aup_publish",
    "aup_requests_ask",
    "aup_requests_send",
    "aup_sign",
    "aup_sign_by_link",
    "board_meeting_add",
    "board_meeting_reminders_send",
    "board_meeting_remove",
    "board_narrative_save",
    "board_reports_prepare",
    "filter_check_record",
    "filter_entries_forget_concerns",
    "filter_entry_raise_concern",
    "filter_report_import",
    "published_contact_set",
    "self_review_action_add",
    "self_review_action_mark",
    "self_review_record",
    "staff_agreements_and_training_erase",
    "team_post_give",
    "team_post_take",
    "training_completion_record",
    "training_course_add",
    "training_course_rename",
    "training_course_retire",
    "training_courses_ensure",
    "training_reminders_send",
]
