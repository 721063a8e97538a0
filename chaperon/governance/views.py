"""The safeguarding team's contacts: published for learners and families without sign-in
(``/contacts/<slug>/``), and for staff with their work email addresses, where those who run
the organisation name its posts and what is published (ORG-1)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chaperon.core.exceptions import ValidationFailed
from chaperon.core.forms import form_status, show_errors
from chaperon.core.rendering import render_in_zone
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of
from chaperon.people.pickers import kept_input, searching
from chaperon.people.selectors import organisation_for, organisation_with_slug

from . import services
from .forms import GivePostForm
from .models import Post
from .permissions import may_name_team, may_see_team
from .selectors import safeguarding_team


@require_GET
def public_contacts(request: HttpRequest, slug: str) -> HttpResponse:
    """/contacts/<slug>/: no sign-in. Names, posts and the lines published; never an email
    address of anyone's own."""
    organisation = organisation_with_slug(slug)
    if organisation is None:
        raise Http404("No such organisation.")
    return render_in_zone(
        request,
        "governance/contacts.html",
        {"team": safeguarding_team(organisation), "public": True},
        zone=organisation.zone,
    )


def _staff_of(viewer: User) -> QuerySet[User]:
    return User.objects.filter(organisation_id=viewer.organisation_id, staff__isnull=False)


def _team_page(request: HttpRequest, give_form: GivePostForm | None = None) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_see_team(viewer):
        raise PermissionDenied("Your role does not allow this.")
    manage = may_name_team(viewer)
    if manage and give_form is None:
        give_form = GivePostForm(staff=_staff_of(viewer))
    return render(
        request,
        "governance/team.html",
        {
            "nav": "team",
            "team": safeguarding_team(organisation_for(viewer)),
            "show_emails": True,
            "manage": manage,
            "give_form": give_form if manage else None,
            "form": give_form if manage else None,
        },
        status=form_status(give_form) if give_form is not None else 200,
    )


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    return _team_page(request)


def _member(viewer: User, user_id: int) -> User:
    """A member of staff of the viewer's organisation, or "not found"."""
    return get_object_or_404(
        User, pk=user_id, organisation_id=viewer.organisation_id, staff__isnull=False
    )


@login_required
@require_http_methods(["POST"])
def give(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_name_team(viewer):
        raise PermissionDenied("Your role does not allow this.")
    staff = _staff_of(viewer)
    if searching(request.POST):  # the picker's Find: the form again with what it found
        form = GivePostForm(initial=kept_input(request.POST, GivePostForm), staff=staff)
        return _team_page(request, form)
    form = GivePostForm(request.POST, staff=staff)
    if form.is_valid():
        try:
            services.team_post_give(
                actor=viewer, user=form.cleaned_data["user"], post=form.cleaned_data["post"]
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            post = Post(form.cleaned_data["post"])
            messages.success(
                request, f"{form.cleaned_data['user'].full_name} now holds the post: {post.label}."
            )
            return redirect("governance:team")
    return _team_page(request, form)


@login_required
@require_POST
def take(request: HttpRequest, post: str, user_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_name_team(viewer):
        raise PermissionDenied("Your role does not allow this.")
    member = _member(viewer, user_id)
    try:
        services.team_post_take(actor=viewer, user=member, post=post)
    except ValidationFailed as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(request, f"{member.full_name} no longer holds the post.")
    return redirect("governance:team")


@login_required
@require_POST
def contact(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    if not may_name_team(viewer):
        raise PermissionDenied("Your role does not allow this.")
    member = _member(viewer, user_id)
    try:
        services.published_contact_set(actor=viewer, user=member, line=request.POST.get("line", ""))
    except ValidationFailed as error:
        messages.error(
            request,
            f"The contact for {member.full_name} was not saved: " + " ".join(error.errors.values()),
        )
    else:
        messages.success(request, f"The contact published for {member.full_name} is saved.")
    return redirect("governance:team")
