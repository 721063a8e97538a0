from datetime import timedelta

from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "chaperon.recordings"
    label = "recordings"
    verbose_name = "Recordings"

    def ready(self) -> None:
        from chaperon.consent.events import ConsentWithdrawn
        from chaperon.core.cases import EvidenceKeeper, register_evidence_keeper
        from chaperon.core.chronology import register_chronology_source
        from chaperon.core.events import subscribe
        from chaperon.core.navigation import register_nav
        from chaperon.core.scheduling import register_periodic
        from chaperon.people.permissions import register_organisation_choice
        from chaperon.people.roles import Permission

        from . import evidence, services
        from .keys import check_configuration
        from .permissions import chosen_playback_roles, may_see_recordings
        from .tasks import (
            close_abandoned_recordings_task,
            destroy_due_recordings_task,
            destroy_expired_recordings_task,
        )

        # Refuse to start without a safe key-encryption key (a clear ImproperlyConfigured).
        check_configuration()
        register_organisation_choice(Permission.PLAY_RECORDINGS, chosen_playback_roles)
        register_nav(
            "recordings", "Recordings", "recordings:list", order=90, visible=may_see_recordings
        )
        subscribe(ConsentWithdrawn, services.destroy_for_withdrawn_consent)
        register_evidence_keeper(
            EvidenceKeeper(hold=evidence.hold_for_case, held_about=evidence.held_about)
        )
        register_chronology_source("recordings", evidence.hold_chronology)
        register_periodic(destroy_expired_recordings_task, every=timedelta(hours=1))
        register_periodic(close_abandoned_recordings_task, every=timedelta(minutes=30))
        register_periodic(destroy_due_recordings_task, every=timedelta(hours=1))

        # What it holds about people, for the register of personal information (ORG-7).
        from .processing import declare as declare_processing

        declare_processing()
