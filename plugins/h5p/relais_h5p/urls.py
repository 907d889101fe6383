from django.urls import path

from relais_h5p import views

urlpatterns = [
    path("play/<str:token>/", views.play, name="play"),
    path("play/<str:token>/xapi", views.xapi, name="xapi"),
    path(
        "play/<str:token>/state/<str:data_type>/<str:sub_content_id>",
        views.state,
        name="state",
    ),
    path("files/<path:path>", views.files, name="files"),
    path("results/", views.results, name="results"),
]
