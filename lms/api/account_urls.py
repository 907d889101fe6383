from django.urls import path

from . import token_views

app_name = "api_account"
urlpatterns = [
    path("", token_views.personal_tokens, name="tokens"),
    path("<int:pk>/revoke/", token_views.personal_token_revoke, name="token_revoke"),
]
