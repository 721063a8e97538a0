from django.urls import path

from . import views

app_name = "recordings"

urlpatterns = [
    path("destruction-queue/", views.destruction_queue, name="destruction_queue"),
]
