from django.urls import path

from relais_skills import views

urlpatterns = [
    path("", views.mine, name="mine"),
    path("self-assessment", views.self_assess, name="self_assess"),
    path("experience", views.declare_prior, name="declare_prior"),
    path("evidence/<int:pk>/file", views.evidence_file, name="evidence_file"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/assess", views.assess, name="assess"),
]
