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
    path("training/record/", views.training_record, name="training_record"),
    path("training/mine/", views.my_training_page, name="my_training"),
    path(
        "training/completions/<int:completion_id>/certificate/",
        views.training_certificate,
        name="training_certificate",
    ),
]
