from django.urls import path

from . import views_policy

app_name = "policy"

urlpatterns = [
    path("", views_policy.policy_page, name="policy"),
    path("edit/", views_policy.policy_edit, name="edit"),
]
