"""What a family page link is checked against. The link itself is never stored: it is made from
the guardian's id and this row's nonce, signed with the secret key and dated; changing the nonce
stops every link sent so far."""

import secrets

from django.db import models

from chaperon.core.models import TimestampedModel
from chaperon.people.models import Guardian, Organisation


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


class FamilyLinkKey(TimestampedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    guardian = models.OneToOneField(Guardian, on_delete=models.PROTECT, related_name="+")
    nonce = models.CharField(max_length=64, default=new_nonce)
    # When the links sent so far were last stopped (None: never).
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Family page key of guardian {self.guardian_id}"
