from django.urls import path

from chaperon.policy import views as policy_views

from . import views, views_change

app_name = "sessions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("book/", views.session_book, name="book"),
    # The policy app's platform register, at the address it has always had.
    path("platforms/", policy_views.platforms, name="platforms"),
    path("<int:session_id>/", views.session_detail, name="detail"),
    path("<int:session_id>/change/", views_change.session_change_page, name="change"),
    path("<int:session_id>/reschedule/", views.session_reschedule, name="reschedule"),
    path("<int:session_id>/cancel/", views.session_cancel, name="cancel"),
    path("<int:session_id>/prepare/", views.session_prepare, name="prepare"),
    path("<int:session_id>/open/", views.session_open, name="open"),
    path("exceptions/<int:exception_id>/decide/", views.exception_decide, name="exception_decide"),
    path("join/<str:token>/", views.join, name="join"),
]
