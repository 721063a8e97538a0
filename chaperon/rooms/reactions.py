"""What the rooms do when the people app says someone changed or left (subscribed in
``apps.py``; each runs after the change commits)."""

from chaperon.people.events import LearnerLeft, StaffChanged, StaffLeft

from .services.turning_out import room_turn_out_learner, room_turn_out_staff


def on_staff_may_have_to_go(event: StaffLeft | StaffChanged) -> None:
    """Left the organisation, or suspended from sessions (published as a change): out of any
    live room at once. Any other change leaves them in."""
    room_turn_out_staff(user_id=event.user_id)


def on_learner_left(event: LearnerLeft) -> None:
    room_turn_out_learner(learner_id=event.learner_id)
