from typing import Any

from django.core.management.base import BaseCommand

from chaperon.concerns.services.documents import concern_documents_make_safe


class Command(BaseCommand):
    help = (
        "Replace every document stored with a concern before documents were kept as text by "
        "its words, or remove it if it has none (each change written on the concern and in the "
        "audit log). Run once after upgrading; safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = concern_documents_make_safe()
        self.stdout.write(
            f"ok: {len(result.rebuilt)} documents kept as their words, {len(result.removed)} "
            f"removed, {result.already} were text already"
        )
