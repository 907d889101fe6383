from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.forms import NewPasswordForm
from lms.plugins.urls import plugin_urlpatterns
from lms.views import (
    accounts,
    dashboard,
    new_association,
    notifications,
    people,
    privacy,
)

app_name = "lms"

lms_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="lms/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="lms/password_reset.html",
            email_template_name="lms/email/password_reset.txt",
            subject_template_name="lms/email/password_reset_subject.txt",
            success_url="/password/reset/sent/",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="lms/password_reset_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="lms/password_reset_confirm.html",
            success_url="/login/",
            form_class=NewPasswordForm,
        ),
        name="password_reset_confirm",
    ),
    path("language/", accounts.set_language, name="set_language"),
    path(
        "invitation/<str:token>/", accounts.accept_invitation, name="accept_invitation"
    ),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read/",
        notifications.notification_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/preferences/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path("associations/new/", new_association.new_association, name="new_association"),
    path(
        "associations/welcome/<str:token>/",
        new_association.association_welcome,
        name="new_association_welcome",
    ),
    path("people/", people.people, name="people"),
    path("people/invite/", people.invite, name="invite"),
    path("people/<int:pk>/", people.person, name="person"),
    path("teams/", people.teams, name="teams"),
    path("teams/<int:pk>/delete/", people.team_delete, name="team_delete"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path(
        "invitations/<int:pk>/resend/",
        people.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<int:pk>/cancel/",
        people.invitation_cancel,
        name="invitation_cancel",
    ),
    path("privacy/", privacy.my_data, name="my_data"),
    path("privacy/export/", privacy.export_request, name="export_request"),
    path(
        "privacy/exports/<int:dataexport_id>/status/",
        privacy.export_status,
        name="export_status",
    ),
    path(
        "privacy/exports/<int:dataexport_id>/download/",
        privacy.export_download,
        name="export_download",
    ),
    path("privacy/erasure/", privacy.erasure_request, name="erasure_request"),
    path("privacy/requests/", privacy.erasure_requests, name="erasure_requests"),
    path(
        "privacy/requests/<int:erasurerequest_id>/",
        privacy.erasure_decide,
        name="erasure_decide",
    ),
    path("privacy/retention/", privacy.retention_settings, name="retention"),
    path("privacy/access-log/", privacy.access_log, name="access_log"),
    path("privacy/register/", privacy.processing_register, name="register"),
    path(
        "privacy/register.docx",
        privacy.processing_register_docx,
        name="register_docx",
    ),
]

urlpatterns = [
    # Browsers ask every host for /favicon.ico, whatever the page says.
    path("favicon.ico", lambda request: redirect(static("lms/favicon.svg"))),
    path("api/v1/", include("lms.api.urls")),
    path("account/api-tokens/", include("lms.api.account_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include((lms_patterns, "lms"))),
    path("", include("courses.urls")),
    *plugin_urlpatterns(),
]

if settings.DEBUG:
    from django.conf.urls.static import static as serve_files

    urlpatterns += serve_files(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))

# A database or Redis out of reach: 503 in the person's language (lms.views.errors).
handler500 = "lms.views.errors.server_error"
