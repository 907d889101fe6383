from django.urls import path

from relais_mentoring import coordination, views

urlpatterns = [
    path("", views.home, name="home"),
    path("offer/", views.offer, name="offer"),
    path("request/", views.request_mentor, name="request"),
    path("pairs/<uuid:pairing_uuid>/", views.pair, name="pair"),
    path("pairs/<uuid:pairing_uuid>/accept", views.accept, name="accept"),
    path("pairs/<uuid:pairing_uuid>/decline", views.decline, name="decline"),
    path("pairs/<uuid:pairing_uuid>/end", views.end, name="end"),
    path("pairs/<uuid:pairing_uuid>/sessions", views.add_session, name="add_session"),
    path("pairs/<uuid:pairing_uuid>/goals", views.add_goal, name="add_goal"),
    path(
        "pairs/<uuid:pairing_uuid>/goals/<int:goal_id>",
        views.goal_status,
        name="goal_status",
    ),
    path("pairs/<uuid:pairing_uuid>/notes", views.add_note, name="add_note"),
    path(
        "pairs/<uuid:pairing_uuid>/notes/<int:note_id>/delete",
        views.delete_note,
        name="delete_note",
    ),
    path("pairs/<uuid:pairing_uuid>/concern", views.concern, name="raise_concern"),
    path("pairs/<uuid:pairing_uuid>/feedback", views.feedback, name="feedback"),
    path("pairs/<uuid:pairing_uuid>/skills", views.confirm_skill, name="confirm_skill"),
    path("sessions/<uuid:session_uuid>/held", views.session_held, name="session_held"),
    path(
        "sessions/<uuid:session_uuid>/cancel",
        views.session_cancel,
        name="session_cancel",
    ),
    path("sessions/<uuid:session_uuid>/mentorat.ics", views.session_ics, name="ics"),
    path("sessions/<uuid:session_uuid>/check-in", views.check_in, name="check_in"),
    path("programme/", coordination.programme, name="programme"),
    path("programme/export.<str:kind>", coordination.export, name="export"),
    path("programme/mentors/", coordination.mentors, name="mentors"),
    path(
        "programme/mentors/<int:pk>/review",
        coordination.review_offer,
        name="review_offer",
    ),
    path("programme/match/<int:user_id>/", coordination.match, name="match"),
    path("programme/match/<int:user_id>/propose", coordination.propose, name="propose"),
    path("programme/batch/", coordination.batch, name="batch"),
    path("programme/concerns/<int:pk>/", coordination.concern, name="concern"),
]
