"""Each session's meeting record, under the session's own address (``/sessions/<id>/record/``)."""

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("<int:session_id>/record/", views.record_detail, name="detail"),
    path("<int:session_id>/record/write/", views.record_write, name="write"),
    path("<int:session_id>/record/amend/", views.record_amend, name="amend"),
]
