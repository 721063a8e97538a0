from django.apps import AppConfig


class SubjectAccessConfig(AppConfig):
    """Subject access requests (UK GDPR article 15; LOG-2, ORG-7): an export of everything
    held about a person, third parties decided on by the DSL, released and kept."""

    name = "chaperon.subject_access"
    label = "subject_access"
    verbose_name = "Subject access"

    def ready(self) -> None:
        from chaperon.core.navigation import register_nav

        from .permissions import may_handle_subject_access
        from .processing import declare as declare_processing

        register_nav(
            "subject_access",
            "Subject access",
            "subject_access:list",
            order=98,
            visible=may_handle_subject_access,
        )
        declare_processing()
