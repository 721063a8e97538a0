from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("", views.outgoing, name="outgoing"),
    path("incoming/", views.incoming, name="incoming"),
    path("import/", views.import_package, name="import"),
    path("learners/<int:learner_id>/send/", views.send, name="send"),
    path("concerns/<int:concern_id>/send/", views.send_from_concern, name="send_from_concern"),
    path("<int:transfer_id>/", views.detail, name="detail"),
    path("<int:transfer_id>/accept/", views.accept, name="accept"),
    path("<int:transfer_id>/decline/", views.decline, name="decline"),
    path("<int:transfer_id>/receipt/", views.receipt, name="receipt"),
    path("<int:transfer_id>/package/", views.package, name="package"),
]
