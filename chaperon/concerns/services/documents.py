"""Documents stored before documents were rebuilt as text (INC-5): each is replaced by its
words, or removed if it has none, with an entry on its concern and an audit event."""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record

from ..attachments import HEADING, rebuild
from ..extraction import NotText
from ..models import ConcernAttachment, EntryKind
from ..textonly import ImageryInText
from .common import add_entry


@dataclass
class MadeSafe:
    rebuilt: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    already: int = 0


def concern_documents_make_safe() -> MadeSafe:
    """Replace every stored document that is not one of our text copies by its words (in the
    same place), or remove it. Safe to run again: copies already made are left alone."""
    result = MadeSafe()
    for document in ConcernAttachment.objects.select_related("concern").order_by("pk"):
        if not default_storage.exists(document.path):
            continue
        with default_storage.open(document.path, "rb") as stored:
            content = stored.read()
        if content.startswith(HEADING.encode()):
            result.already += 1
            continue
        try:
            words: bytes | None = rebuild(name=document.name, content=content).content
        except (NotText, ImageryInText):
            words = None
        del content
        _replace(document, words)
        (result.rebuilt if words is not None else result.removed).append(document.pk)
    return result


@transaction.atomic
def _replace(document: ConcernAttachment, words: bytes | None) -> None:
    default_storage.delete(document.path)
    if words is not None:
        saved = default_storage.save(document.path, ContentFile(words))
        if saved != document.path:
            raise RuntimeError(f"{document.path} was saved as {saved}")
        summary = f"The document “{document.name}” is now kept as its words only"
        action = AuditAction.CONCERN_ATTACHMENT_REBUILT
    else:
        summary = (
            f"The document “{document.name}” was removed: it had no words to keep, and a "
            "document is never kept as anything but words"
        )
        action = AuditAction.CONCERN_ATTACHMENT_REMOVED
    add_entry(document.concern, kind=EntryKind.NOTE, summary=summary, author=None)
    record(action=action, obj=document.concern, data={"attachment": document.pk})
