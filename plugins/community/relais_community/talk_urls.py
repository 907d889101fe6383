"""Discussions and recognition, under the plugin's namespace (``community:talk_*``)."""

from django.urls import path

from relais_community import talk_views

urlpatterns = [
    path("questions/<int:page_id>/", talk_views.questions, name="talk_questions"),
    path("posts/<int:post_id>/reply", talk_views.reply, name="talk_reply"),
    path("posts/<int:post_id>/helpful", talk_views.helpful, name="talk_helpful"),
    path("posts/<int:post_id>/report", talk_views.report, name="talk_report"),
    path("posts/<int:post_id>/moderate", talk_views.moderate, name="talk_moderate"),
    path("teams/", talk_views.teams, name="talk_teams"),
    path("teams/<int:team_id>/", talk_views.team, name="talk_team"),
    path("moderation/", talk_views.moderation, name="talk_moderation"),
    path("moderation/mute", talk_views.mute, name="talk_mute"),
    path("thanks/", talk_views.wall, name="talk_wall"),
    path("thanks/recognition/", talk_views.recognition, name="talk_recognition"),
]
