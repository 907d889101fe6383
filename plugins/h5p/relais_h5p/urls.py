from django.urls import path

from relais_h5p import views

urlpatterns = [
    # On the content origin only (@content_view), under the player's token.
    path("play/<str:token>/", views.play, name="play"),
    path("play/<str:token>/files/<path:path>", views.files, name="files"),
    path("play/<str:token>/xapi", views.xapi, name="xapi"),
    path(
        "play/<str:token>/state/<str:data_type>/<str:sub_content_id>",
        views.state,
        name="state",
    ),
    # On the platform.
    path("results/", views.results, name="results"),
    path("libraries/", views.libraries, name="libraries"),
    path(
        "libraries/<int:h5plibrary_id>/replace/",
        views.replace_library,
        name="replace_library",
    ),
]
