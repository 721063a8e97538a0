from django.urls import path

from . import edit_views, pick_views, views

app_name = "people"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:staff_id>/", views.staff_detail, name="staff_detail"),
    path("learners/", views.learner_list, name="learner_list"),
    path("learners/<int:learner_id>/", views.learner_detail, name="learner_detail"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/sites/", views.site_add, name="site_add"),
    path("people/pick/<slug:kind>/", pick_views.pick, name="pick"),
]

urlpatterns += [
    path("staff/<int:staff_id>/checks/", edit_views.staff_checks, name="staff_checks"),
    path("staff/<int:staff_id>/roles/", edit_views.staff_roles, name="staff_roles"),
    path("staff/<int:staff_id>/left/", edit_views.staff_left, name="staff_left"),
    path("learners/<int:learner_id>/left/", edit_views.learner_left, name="learner_left"),
    path("learners/new/", edit_views.learner_add, name="learner_add"),
    path("learners/<int:learner_id>/edit/", edit_views.learner_edit, name="learner_edit"),
    path(
        "learners/<int:learner_id>/guardians/new/",
        edit_views.learner_guardian_add,
        name="learner_guardian_add",
    ),
    path(
        "learners/<int:learner_id>/guardians/find/",
        edit_views.learner_guardian_find,
        name="learner_guardian_find",
    ),
    path(
        "learners/<int:learner_id>/guardians/<int:guardian_id>/",
        edit_views.relationship_edit,
        name="relationship_edit",
    ),
    path(
        "learners/<int:learner_id>/guardians/<int:guardian_id>/unlink/",
        edit_views.relationship_remove,
        name="relationship_remove",
    ),
    path("guardians/<int:guardian_id>/", edit_views.guardian_detail, name="guardian_detail"),
    path("guardians/<int:guardian_id>/edit/", edit_views.guardian_edit, name="guardian_edit"),
]

from . import import_views, roster_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/oneroster/", roster_views.roster_upload, name="roster_upload"),
    path(
        "import/oneroster/<int:import_id>/",
        roster_views.roster_import_page,
        name="roster_import",
    ),
    path(
        "import/oneroster/<int:import_id>/status/",
        roster_views.roster_import_status,
        name="roster_import_status",
    ),
    path("import/oneroster/<int:import_id>/apply/", roster_views.roster_apply, name="roster_apply"),
    path("import/jobs/<int:job_id>/", import_views.import_job, name="import_job"),
    path(
        "import/jobs/<int:job_id>/status/",
        import_views.import_job_status,
        name="import_job_status",
    ),
]
