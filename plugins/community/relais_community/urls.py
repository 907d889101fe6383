from django.urls import path

from relais_community import views

app_name = "community"

urlpatterns = [
    path("news/", views.announcement_list, name="announcements"),
    path("news/new/", views.announcement_new, name="announcement_new"),
    path("news/<int:announcement_id>/", views.announcement, name="announcement"),
    path(
        "news/<int:announcement_id>/confirm/",
        views.announcement_confirm,
        name="announcement_confirm",
    ),
    path(
        "news/<int:announcement_id>/receipts/",
        views.announcement_receipts,
        name="announcement_receipts",
    ),
    path(
        "news/<int:announcement_id>/remind/",
        views.announcement_remind,
        name="announcement_remind",
    ),
    path(
        "news/<int:announcement_id>/pin/",
        views.announcement_pin,
        name="announcement_pin",
    ),
    path(
        "news/<int:announcement_id>/delete/",
        views.announcement_delete,
        name="announcement_delete",
    ),
    path(
        "news/<int:announcement_id>/image/",
        views.announcement_image,
        name="announcement_image",
    ),
    path(
        "news/<int:announcement_id>/attachment/",
        views.announcement_attachment,
        name="announcement_attachment",
    ),
]
