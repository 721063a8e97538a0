from django.urls import path

from .consumers import CheckConsumer, RoomConsumer

websocket_urlpatterns = [
    path("ws/rooms/<int:session_id>/", RoomConsumer.as_asgi()),
    path("ws/rooms/<int:session_id>/check/", CheckConsumer.as_asgi()),
]
