"""Default wording of the consent statement. Each organisation can change every part of it."""

DEFAULT_INTRO = """\
We would like your permission for your child (or for you, if you are the learner) to take part \
in online sessions with our staff: live lessons, group sessions, webinars and, where it helps, \
1:1 video calls with a teacher, tutor or adviser.

Please read this statement, then agree or decline each part separately. Taking part is \
optional, and declining one part does not stop any other. You can change your mind and \
withdraw consent at any time with the personal link in any email we send you about consent, \
or by telling us in any way you like."""

DEFAULT_PARENT_INFORMATION = """\
To keep everyone safe in online sessions, please make sure that:
- everyone taking part, and anyone else in the household who may be seen, wears suitable clothing;
- an adult is in the house during the session, and headphones are not used, so that the adult \
can hear what is said;
- the computer or tablet is in a suitable room (not a bedroom) and, where possible, in front of \
a plain background;
- no personal details or worries are discussed in the session: contact us by phone or email for \
those, at another time;
- a tablet or laptop is used if you have one (sound and picture are better than on a phone), on \
Wi-Fi where possible, as video over mobile data may cost money;
- you know that sessions are optional: there is no expectation that your child takes part, and \
we will find another way that works for your family if live video does not."""

DEFAULT_WHAT_IS_RECORDED = (
    "Video, sound and chat of live lessons, group sessions and webinars, and of 1:1 sessions "
    "only where everyone taking part has agreed to it."
)
DEFAULT_WHY_RECORDED = (
    "So that, if anyone raises a concern about a session, it can be looked at again, to "
    "protect learners and staff alike. Recordings are used for nothing else."
)
DEFAULT_WHERE_KEPT = (
    "In the organisation's encrypted recording store, managed centrally by the organisation. "
    "Never on a member of staff's own device or account."
)
DEFAULT_WHO_MAY_SEE = (
    "Only the Designated Safeguarding Lead and their deputies, each time for a stated reason "
    "that is logged, and the police or children's social care where the law requires it."
)
DEFAULT_HOW_DESTROYED = (
    "Deleted from the encrypted store together with the key that unlocks it, so that no copy "
    "can be read; a record of the destruction is kept."
)

PURPOSE_DESCRIPTIONS = {
    "live_one_to_one": (
        "Your child may take part in live 1:1 video sessions with a member of staff, only on "
        "the days and at the times you agree to when you answer, with an adult at home during "
        "the session."
    ),
    "live_group": (
        "Your child may take part in live group video sessions (lessons, group work, webinars), "
        "with at least two members of staff present."
    ),
    "recording": (
        "Live sessions your child takes part in may be recorded, as the recording policy in "
        "the consent statement describes. If you decline, your child takes part only in "
        "sessions that are not recorded."
    ),
    "parent_information": (
        "You have read the information for parents and carers in the consent statement and "
        "agree to follow it."
    ),
    "acceptable_use": (
        "You (and your child) agree to use the online sessions and systems safely and "
        "respectfully: be kind, never record or share sessions or other people's images without "
        "agreement, keep links and passcodes private, and tell us about anything that worries you."
    ),
    "images": (
        "Photographs or video stills of your child may be used only for the purpose stated when "
        "they are taken (for example, a class display), never with their full name, and are "
        "removed when you withdraw this consent."
    ),
}
