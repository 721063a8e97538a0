from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "chaperon.rooms"
    label = "rooms"
    verbose_name = "Live rooms"

    def ready(self) -> None:
        from chaperon.core.chronology import register_chronology_source
        from chaperon.core.navigation import register_record_link

        from .chronology import room_chronology
        from .permissions import may_go_to_room, may_read_log

        register_record_link(
            "live_sessions.session", "Go to the live room", "rooms:room", visible=may_go_to_room
        )
        register_record_link("live_sessions.session", "Room log", "rooms:log", visible=may_read_log)
        register_chronology_source("rooms", room_chronology)

        # Someone who may no longer take part leaves every live room at once.
        from chaperon.core import events
        from chaperon.people.events import LearnerLeft, StaffChanged, StaffLeft

        from . import reactions

        events.subscribe(StaffLeft, reactions.on_staff_may_have_to_go)
        events.subscribe(StaffChanged, reactions.on_staff_may_have_to_go)
        events.subscribe(LearnerLeft, reactions.on_learner_left)

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()
