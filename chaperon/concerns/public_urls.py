from django.urls import path

from . import public_views

app_name = "report"

urlpatterns = [
    path("", public_views.new, name="new"),
    path("session/<str:token>/", public_views.from_invitation, name="from_invitation"),
    path("<slug:slug>/", public_views.for_organisation, name="for_organisation"),
]
