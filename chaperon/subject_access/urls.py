from django.urls import path

from . import views

app_name = "subject_access"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.start, name="start"),
    path("<int:request_id>/", views.detail, name="detail"),
    path("<int:request_id>/prepare/", views.prepare, name="prepare"),
    path("<int:request_id>/third-parties/<int:party_id>/", views.decide, name="decide"),
    path("<int:request_id>/third-parties/new/", views.add_party, name="add_party"),
    path("<int:request_id>/third-parties/staff/", views.disclose_staff, name="disclose_staff"),
    path("<int:request_id>/release/", views.release, name="release"),
    path("<int:request_id>/export.zip", views.download, name="download"),
]
