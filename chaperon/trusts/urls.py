from django.urls import path

from . import views

app_name = "trusts"

urlpatterns = [
    path("", views.trust_list, name="list"),
    path("<int:trust_id>/", views.overview, name="overview"),
]
