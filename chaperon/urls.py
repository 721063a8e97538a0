from django.urls import include, path
from django.views.generic import RedirectView

from chaperon.api.urls import api
from chaperon.core import views as core_views
from chaperon.demo import views as demo_views
from chaperon.governance import views as governance_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="people:dashboard", permanent=False)),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("outbox/", demo_views.outbox, name="outbox"),
    path("accounts/", include("chaperon.accounts.urls")),
    path("api/", api.urls),
    path("consent/", include("chaperon.consent.urls")),
    path("policy/", include("chaperon.policy.urls")),
    path("sessions/", include("chaperon.sessions.urls")),
    path("classes/", include("chaperon.sessions.group_urls")),
    path("sessions/", include("chaperon.records.urls")),
    path("recordings/", include("chaperon.recordings.urls")),
    path("rooms/", include("chaperon.rooms.urls")),
    path("concerns/", include("chaperon.concerns.urls")),
    path("report/", include("chaperon.concerns.public_urls")),
    path("email/", include("chaperon.deliveries.urls")),
    path("family/", include("chaperon.families.urls")),
    path("trusts/", include("chaperon.trusts.urls")),
    path("governance/", include("chaperon.governance.urls")),
    path("retention/", include("chaperon.retention.urls")),
    path("subject-access/", include("chaperon.subject_access.urls")),
    path("transfers/", include("chaperon.transfers.urls")),
    path("contacts/<slug:slug>/", governance_views.public_contacts, name="contacts"),
    path("agree/<str:token>/", governance_views.agree_by_link, name="agree"),
    path("", include("chaperon.people.urls")),
]
