from django.urls import path

from . import views

app_name = "families"

urlpatterns = [
    # Staff
    path("learners/<int:learner_id>/", views.learner, name="learner"),
    path("guardians/<int:guardian_id>/stop/", views.guardian_stop, name="guardian_stop"),
    # Public: the personal link in every email to a parent or carer
    path("<str:token>/", views.page, name="page"),
    path("<str:token>/stop/", views.stop, name="stop"),
]
