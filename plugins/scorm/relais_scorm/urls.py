from django.urls import path

from relais_scorm import results, views

urlpatterns = [
    # On the content origin, with a launch token.
    path("play/<str:token>/", views.play, name="play"),
    path("play/<str:token>/files/<path:path>", views.files, name="files"),
    path(
        "play/<str:token>/attempts/<int:attempt_id>/commit/<str:item>",
        views.commit,
        name="commit",
    ),
    path(
        "play/<str:token>/attempts/<int:attempt_id>/navigate",
        views.navigate,
        name="navigate",
    ),
    # On the platform.
    path(
        "lessons/<int:lesson_id>/<str:block_id>/new-attempt",
        views.new_attempt,
        name="new_attempt",
    ),
    path("packages/<int:pk>/preview/", views.preview, name="preview"),
    path("results/", results.index, name="results"),
    path("results/export.<str:kind>", results.export, name="export"),
]
