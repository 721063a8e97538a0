from django.urls import path

from . import views

app_name = "rooms"

urlpatterns = [
    path("enter/<str:token>/", views.enter, name="enter"),
    path("<int:session_id>/", views.room, name="room"),
    path("<int:session_id>/check/", views.check, name="check"),
    path("<int:session_id>/check/relay/", views.check_relay, name="check_relay"),
    path("<int:session_id>/left/", views.left, name="left"),
    path("<int:session_id>/log/", views.log, name="log"),
]
