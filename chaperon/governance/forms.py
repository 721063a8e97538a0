from typing import Any

from django import forms
from django.db.models import QuerySet

from chaperon.core.forms import Choices, Form
from chaperon.people.models import User
from chaperon.people.pickers import PeopleField, offer_people

from .models import Post


class GivePostForm(Form):
    post = forms.ChoiceField(label="Post", choices=Post.choices, widget=Choices)
    user = PeopleField(kind="staff", label="Member of staff")

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "user", staff)
