"""What would fix each finding, in plain words, for the person booking."""

FIXES: dict[str, str] = {
    "consent.participation": (
        "Ask the learner's parent or carer for consent to take part (Consent page), "
        "or book without this learner."
    ),
    "consent.parent_information": (
        "Send the parent information and wait for the parent's written confirmation."
    ),
    "consent.recording": (
        "Turn recording off, or ask for consent to record from everyone taking part."
    ),
    "recording.purpose": "Say what the recording is for, or turn recording off.",
    "recording.comfort_check": "Ask each learner whether they are comfortable being recorded.",
    "time.agreed_slot": (
        "Choose a day and time the parent agreed to, or ask them to agree a new time."
    ),
    "time.working_hours": "Move the session inside working hours, or ask for an exception.",
    "duration.max": "Shorten the session, or ask for an exception.",
    "frequency.weekly": "Choose another week, or ask for an exception.",
    "attendance.two_staff": "Add a second member of staff.",
    "attendance.adult_present": ("Name the adult who will be in the house during the session."),
    "attendance.facilitator_invited": (
        "Where you can, invite a parent, teacher or facilitator who can drop in."
    ),
    "staff.dbs": "Record a current DBS check for this member of staff, or book someone else.",
    "staff.training": "Record current safeguarding training, or book someone else.",
    "staff.aup": "Record a signed acceptable use agreement, or book someone else.",
    "staff.suspended": "Book another member of staff.",
    "platform.approved": "Use the built-in room or a platform on the approved register.",
    "platform.account": "Use the organisation's account on the platform, never a personal one.",
    "platform.waiting_room": "Turn the platform's waiting room on.",
    "platform.passcode": "Turn the platform's passcode on.",
    "platform.video": "Set host and participant video on.",
    "platform.screen_share": "Stop participants sharing their screen.",
    "platform.rename": "Stop participants renaming themselves.",
    "platform.lock": "Lock the meeting once everyone has arrived.",
    "session.risk_assessment": "Record the risk assessment and the plan for the session.",
}


def fix_for(rule: str) -> str:
    return FIXES.get(rule, "")
