from django.urls import path

from relais_recruitment import board, coordination
from relais_recruitment.volunteer_time_urls import urlpatterns as time_urlpatterns

urlpatterns = [
    # Public, no login: the board, a mission, applying, the candidate's page.
    path("", board.board, name="board"),
    path("missions/<int:mission_id>/", board.mission, name="mission"),
    path("missions/<int:mission_id>/thanks/", board.thanks, name="thanks"),
    path("my-application/<str:token>/", board.follow, name="follow"),
    path("my-application/<str:token>/withdraw/", board.withdraw, name="withdraw"),
    # The coordinator's pipeline.
    path("pipeline/", coordination.pipeline_board, name="pipeline"),
    path(
        "pipeline/missions/<int:mission_id>/",
        coordination.pipeline_board,
        name="mission_pipeline",
    ),
    path(
        "applications/<int:application_id>/",
        coordination.application,
        name="application",
    ),
    path("applications/<int:application_id>/move/", coordination.move, name="move"),
    path(
        "applications/<int:application_id>/messages/",
        coordination.write,
        name="write",
    ),
    path("applications/<int:application_id>/notes/", coordination.notes, name="notes"),
    path(
        "applications/<int:application_id>/meeting/",
        coordination.meeting,
        name="meeting",
    ),
    path(
        "applications/export.<str:kind>",
        coordination.applications_export,
        name="applications_export",
    ),
    path("funnel/", coordination.funnel, name="funnel"),
    path("funnel/export.<str:kind>", coordination.funnel_export, name="funnel_export"),
]

# Volunteer time, valorisation, retention.
urlpatterns += time_urlpatterns
