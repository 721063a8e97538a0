from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:staff_id>/", views.staff_detail, name="staff_detail"),
    path("learners/", views.learner_list, name="learner_list"),
    path("learners/<int:learner_id>/", views.learner_detail, name="learner_detail"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/sites/", views.site_add, name="site_add"),
]

from . import import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/jobs/<int:job_id>/", import_views.import_job, name="import_job"),
    path(
        "import/jobs/<int:job_id>/status/",
        import_views.import_job_status,
        name="import_job_status",
    ),
]
