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
    path("agreements/ask/", views.agreements_ask, name="agreements_ask"),
    path("filtering/", views.filtering, name="filtering"),
    path("filtering/upload/", views.filtering_upload, name="filtering_upload"),
    path("filtering/checks/", views.filtering_check, name="filtering_check"),
    path("filtering/<int:report_id>/", views.filtering_report, name="filtering_report"),
    path("filtering/entries/<int:entry_id>/raise/", views.filtering_raise, name="filtering_raise"),
    path("personal-information/", views.personal_information, name="personal_information"),
    path(
        "personal-information/register.csv",
        views.personal_information_csv,
        name="personal_information_csv",
    ),
    path("training/", views.training, name="training"),
    path("training/courses/", views.training_course, name="training_course"),
    path(
        "training/courses/<int:course_id>/rename/",
        views.training_course_rename,
        name="training_course_rename",
    ),
    path(
        "training/courses/<int:course_id>/retire/",
        views.training_course_retire,
        name="training_course_retire",
    ),
    path("training/record/", views.training_record, name="training_record"),
    path("training/mine/", views.my_training_page, name="my_training"),
    path(
        "training/completions/<int:completion_id>/certificate/",
        views.training_certificate,
        name="training_certificate",
    ),
    path("board/", views.board, name="board_reports"),
    path("board/meetings/", views.board_meetings, name="board_meetings"),
    path(
        "board/meetings/<int:meeting_id>/remove/",
        views.board_meeting_remove,
        name="board_meeting_remove",
    ),
    path("board/<str:key>/", views.board_report, name="board_report"),
    path("board/<str:key>/narrative/", views.board_narrative, name="board_narrative"),
    path("review/", views.reviews, name="reviews"),
    path("review/start/", views.review_start, name="review_start"),
    path("review/<int:review_id>/", views.review, name="review"),
    path("review/<int:review_id>/risks/", views.review_risk, name="review_risk"),
    path("review/<int:review_id>/actions/", views.review_action, name="review_action"),
    path(
        "review/<int:review_id>/actions/<int:action_id>/done/",
        views.review_action_done,
        name="review_action_done",
    ),
    path("review/<int:review_id>/findings/", views.review_findings, name="review_findings"),
    path("review/<int:review_id>/sign-off/", views.review_sign_off, name="review_sign_off"),
    path(
        "review/<int:review_id>/new-version/", views.review_new_version, name="review_new_version"
    ),
    path("self-review/", views.self_reviews, name="self_reviews"),
    path("self-review/new/", views.self_review_new, name="self_review_new"),
    path("self-review/<int:review_id>/", views.self_review, name="self_review"),
    path(
        "self-review/<int:review_id>/actions/",
        views.self_review_action,
        name="self_review_action",
    ),
    path(
        "self-review/<int:review_id>/actions/<int:action_id>/",
        views.self_review_action_mark,
        name="self_review_action_mark",
    ),
    path("board/<str:key>/report.pdf", views.board_report_pdf_view, name="board_report_pdf"),
]
