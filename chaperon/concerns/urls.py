from django.urls import path

from . import views

app_name = "concerns"

urlpatterns = [
    path("", views.concern_list, name="list"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("<int:concern_id>/", views.detail, name="detail"),
    path("<int:concern_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:concern_id>/triage/", views.triage, name="triage"),
    path("<int:concern_id>/steps/<int:step_id>/done/", views.step_done, name="step_done"),
    path("<int:concern_id>/referrals/", views.referral, name="referral"),
    path("<int:concern_id>/notes/", views.note, name="note"),
    path("<int:concern_id>/change/", views.change, name="change"),
    path("<int:concern_id>/handlers/", views.grant, name="grant"),
    path("<int:concern_id>/close/", views.close, name="close"),
    path("<int:concern_id>/documents/<int:attachment_id>/", views.attachment, name="attachment"),
    path("learners/<int:learner_id>/chronology/", views.chronology, name="chronology"),
    path(
        "learners/<int:learner_id>/chronology.pdf",
        views.chronology_download,
        name="chronology_pdf",
    ),
]
