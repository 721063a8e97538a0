from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/give/", views.give, name="give"),
    path("team/<str:post>/<int:user_id>/take/", views.take, name="take"),
    path("team/<int:user_id>/contact/", views.contact, name="contact"),
    path("agreement/", views.agreement, name="agreement"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/publish/", views.agreement_publish, name="agreement_publish"),
]
