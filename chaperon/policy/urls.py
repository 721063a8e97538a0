from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("", views.policy_page, name="policy"),
    path("edit/", views.policy_edit, name="edit"),
]
