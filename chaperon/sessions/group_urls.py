from django.urls import path

from . import group_views

app_name = "classes"

urlpatterns = [
    path("", group_views.group_list, name="list"),
    path("<int:group_id>/", group_views.group_detail, name="detail"),
    path("<int:group_id>/consent/", group_views.group_consent_send, name="consent_send"),
]
