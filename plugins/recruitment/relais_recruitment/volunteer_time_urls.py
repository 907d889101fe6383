from django.urls import path

from relais_recruitment import volunteer_time_views as views

urlpatterns = [
    path("time/", views.log_hours, name="time_log"),
    path("time/team/", views.team_hours, name="time_team"),
    path("time/review/", views.review, name="time_review"),
    path("time/valorisation/", views.valorisation, name="time_valorisation"),
    path(
        "time/valorisation.<str:kind>",
        views.valorisation_export,
        name="time_valorisation_export",
    ),
    path("time/rates/", views.rates, name="time_rates"),
    path("time/drifting/", views.drifting, name="time_drifting"),
    path(
        "time/drifting/<int:membership_id>/check-in",
        views.check_in,
        name="time_check_in",
    ),
    path("time/leave/", views.leave, name="time_leave"),
    path("time/departures/", views.departures, name="time_departures"),
    path(
        "time/departures/<int:membership_id>/record",
        views.record_departure,
        name="time_record_departure",
    ),
    path("time/retention/", views.retention, name="time_retention"),
]
