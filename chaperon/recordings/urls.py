from django.urls import path

from . import views

app_name = "recordings"

urlpatterns = [
    path("", views.recording_list, name="list"),
    path("access/", views.access_change, name="access"),
    path("<int:recording_id>/", views.recording_detail, name="detail"),
    path("<int:recording_id>/play/", views.recording_player, name="play"),
    path("<int:recording_id>/tracks/<int:number>/media", views.track_media, name="media"),
    path("<int:recording_id>/hold/", views.hold_place, name="hold"),
    path("holds/<int:hold_id>/release/", views.hold_release, name="release"),
    path("certificates/<str:token>/", views.public_certificate, name="public_certificate"),
]
