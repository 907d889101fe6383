from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from . import registry, views

router = SimpleRouter()
router.register("people", views.PeopleViewSet, basename="people")
router.register("invitations", views.InvitationViewSet, basename="invitations")
router.register("teams", views.TeamViewSet, basename="teams")
for prefix, viewset, basename in registry.routes():
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
]
