from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from chaperon.people.emails import normalise_email
from chaperon.people.models import User


class EmailBackend(ModelBackend):
    """Sign in with an email address, matched in its normal form (``normalise_email``)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        user = User.objects.filter(email=normalise_email(username)).first()
        if user is None:
            User().set_password(password)  # same work whether or not the account exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        # The organisation comes with the user: every page needs its name and time zone.
        user = User.objects.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
