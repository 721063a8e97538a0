from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chaperon.core.models import EmailDelivery, OutboxMessage
from chaperon.people.models import User
from chaperon.people.permissions import viewer_of


def outbox_of(viewer: User) -> QuerySet[OutboxMessage]:
    """The kept messages of the viewer's organisation: those it queued (matched by their
    Message-ID), and those sent straight to one of its staff (a password link)."""
    organisation_id = viewer.organisation_id
    queued_here = EmailDelivery.objects.filter(organisation_id=organisation_id).exclude(
        message_id=""
    )
    staff_addresses = User.objects.filter(organisation_id=organisation_id).values("email")
    return OutboxMessage.objects.filter(
        Q(message_id__in=queued_here.values("message_id")) | Q(to__in=staff_addresses)
    )


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """The local mailbox: email this installation would have sent, where ``OUTBOX_PAGE`` is on
    (the embedded defaults, never production). Each person sees their organisation's only."""
    viewer = viewer_of(request)
    if not settings.OUTBOX_PAGE:
        raise Http404
    messages_sent = outbox_of(viewer)[:100]
    return render(request, "demo/outbox.html", {"messages_sent": messages_sent})
