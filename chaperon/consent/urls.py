from django.urls import path

from . import admin_views, public_views, views

app_name = "consent"

urlpatterns = [
    # Staff
    path("learners/<int:learner_id>/", views.learner_consents, name="learner"),
    path("learners/<int:learner_id>/send/", views.learner_send, name="learner_send"),
    path("learners/<int:learner_id>/record/", views.learner_record, name="learner_record"),
    path("learners/<int:learner_id>/withdraw/", views.learner_withdraw, name="learner_withdraw"),
    path(
        "learners/<int:learner_id>/own-recording/",
        views.learner_own_recording,
        name="learner_own_recording",
    ),
    path("files/<slug:kind>/<int:pk>/", views.attachment, name="attachment"),
    path(
        "evidence/<int:evidence_id>/receipt.json",
        views.evidence_receipt,
        name="evidence_receipt",
    ),
    path(
        "evidence/<int:evidence_id>/receipt.pdf",
        views.evidence_receipt_pdf,
        name="evidence_receipt_pdf",
    ),
    path("groups/", admin_views.groups, name="groups"),
    path("groups/send/", admin_views.groups_send, name="groups_send"),
    path("statement/", admin_views.statement_edit, name="statement"),
    path("staff/", admin_views.staff_list, name="staff_list"),
    path("staff/mine/", admin_views.staff_mine, name="staff_mine"),
    path("staff/<int:staff_id>/employer/", admin_views.staff_employer, name="staff_employer"),
    # Public: the personal links in consent emails, and published statements
    path("r/<str:token>/", public_views.answer, name="answer"),
    path("m/<str:token>/", public_views.manage, name="manage"),
    path("m/<str:token>/withdraw/", public_views.manage_withdraw, name="manage_withdraw"),
    path("m/<str:token>/change/", public_views.manage_change, name="manage_change"),
    path("m/<str:token>/receipts/<uuid:receipt_id>/", public_views.receipt, name="receipt"),
    path(
        "m/<str:token>/receipts/<uuid:receipt_id>.json",
        public_views.receipt_json,
        name="receipt_json",
    ),
    path(
        "m/<str:token>/receipts/<uuid:receipt_id>.pdf",
        public_views.receipt_pdf,
        name="receipt_pdf",
    ),
    path(
        "statements/<slug:slug>/<int:number>/",
        public_views.statement_public,
        name="statement_public",
    ),
]
