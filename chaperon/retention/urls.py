from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("periods/", views.period_set, name="period_set"),
    path("review/", views.review, name="review"),
    path("review/keep/", views.keep, name="keep"),
    path("review/staff/<int:staff_id>/destroy/", views.destroy, name="destroy"),
    path("review/learner/<int:learner_id>/destroy/", views.destroy_file, name="destroy_file"),
    path(
        "review/learner/<int:learner_id>/consent/destroy/",
        views.destroy_consent,
        name="destroy_consent",
    ),
    path("holds/", views.hold_place, name="hold_place"),
    path("holds/<int:hold_id>/release/", views.hold_release, name="hold_release"),
]
