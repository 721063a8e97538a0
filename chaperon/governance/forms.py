from typing import Any

from django import forms
from django.db.models import QuerySet

from chaperon.core.forms import Choices, Form
from chaperon.people.models import User
from chaperon.people.pickers import PeopleField, offer_people

from .models import Audience, Post


class GivePostForm(Form):
    post = forms.ChoiceField(label="Post", choices=Post.choices, widget=Choices)
    user = PeopleField(kind="staff", label="Member of staff")

    def __init__(self, *args: Any, staff: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_people(self, "user", staff)


class PublishAupForm(Form):
    audience = forms.ChoiceField(label="Who it is for", choices=Audience.choices, widget=Choices)
    title = forms.CharField(label="Title", max_length=200)
    text = forms.CharField(
        label="The agreement",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="The whole text people agree to. Publishing it asks everyone it is for to "
        "sign it again; earlier versions and their signatures are kept.",
    )


class SignAupForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agreed = forms.BooleanField(
        label="I have read this agreement and I agree to it",
        error_messages={"required": "Tick this to agree; you can use Chaperon once you have."},
    )
