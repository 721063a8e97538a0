from django.urls import path

from . import views, views_casework, views_finding

app_name = "concerns"

urlpatterns = [
    path("", views_finding.concern_list, name="list"),
    path("export.csv", views_finding.concern_export, name="export"),
    path("tasks/", views_finding.tasks, name="tasks"),
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
    path("<int:concern_id>/reclassify/", views_casework.reclassify, name="reclassify"),
    path("<int:concern_id>/suspensions/", views_casework.suspend, name="suspend"),
    path(
        "<int:concern_id>/suspensions/<int:suspension_id>/lift/",
        views_casework.lift_suspension,
        name="lift_suspension",
    ),
    path("<int:concern_id>/tasks/", views_casework.task_add, name="task_add"),
    path(
        "<int:concern_id>/steps/<int:step_id>/assign/",
        views_casework.step_assign,
        name="step_assign",
    ),
    path("<int:concern_id>/links/", views_casework.link, name="link"),
    path("<int:concern_id>/links/<int:link_id>/end/", views_casework.unlink, name="unlink"),
    path("<int:concern_id>/documents/<int:attachment_id>/", views.attachment, name="attachment"),
    path("learners/<int:learner_id>/chronology/", views.chronology, name="chronology"),
    path(
        "learners/<int:learner_id>/chronology.pdf",
        views.chronology_download,
        name="chronology_pdf",
    ),
]
