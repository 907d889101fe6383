from django.urls import path

from relais_quizzes import reports, views

urlpatterns = [
    path("<uuid:quiz_uuid>/", views.quiz, name="quiz"),
    path("<uuid:quiz_uuid>/start", views.start, name="start"),
    path("attempt/<uuid:attempt_uuid>/", views.attempt, name="attempt"),
    path("attempt/<uuid:attempt_uuid>/save", views.autosave, name="autosave"),
    path("attempt/<uuid:attempt_uuid>/result", views.result, name="result"),
    path("results/", reports.index, name="results_index"),
    path("results/<int:pk>/", reports.results, name="results"),
    path("results/<int:pk>/export.<str:kind>", reports.export, name="export"),
    path("results/<int:pk>/items/", reports.items, name="items"),
    path("results/<int:pk>/review/", reports.review, name="review"),
]
