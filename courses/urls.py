from django.urls import path

from courses.views import awards, coordination, credentials, learner, openbadges, xapi

app_name = "courses"

urlpatterns = [
    path("learn/", learner.catalogue, name="catalogue"),
    path("learn/course/<int:pk>/", learner.course, name="course"),
    path("learn/lesson/<int:pk>/", learner.lesson, name="lesson"),
    path("learn/lesson/<int:pk>/done/", learner.lesson_done, name="lesson_done"),
    path(
        "learn/lesson/<int:pk>/accept/<str:block_id>/",
        learner.acknowledge,
        name="acknowledge",
    ),
    path("onboarding/", learner.my_path, name="my_path"),
    path("onboarding/step/<int:pk>/", learner.step, name="step"),
    path("badges/", learner.my_badges, name="my_badges"),
    path(
        "badges/<uuid:uuid>/credential.json",
        credentials.credential_json,
        name="credential_json",
    ),
    path(
        "badges/<uuid:uuid>/credential.jwt",
        credentials.credential_jwt,
        name="credential_jwt",
    ),
    path(
        "badges/<uuid:uuid>/credential.png",
        credentials.credential_png,
        name="credential_png",
    ),
    path("badges/manage/", awards.manage, name="manage_badges"),
    path("badges/manage/<uuid:uuid>/revoke/", awards.revoke_award, name="revoke_award"),
    path("xapi/statements", xapi.statements, name="xapi_statements"),
    path("coordination/paths/", coordination.paths, name="paths"),
    path(
        "coordination/people/<int:membership_pk>/assign/",
        coordination.assign,
        name="assign_path",
    ),
    path("coordination/paths/<int:pk>/", coordination.path_people, name="path_people"),
    path(
        "coordination/paths/<int:pk>/confirm/",
        coordination.confirm_task,
        name="confirm_task",
    ),
    # Open Badges 2.0, public.
    path("ob/issuers/<int:pk>", openbadges.issuer, name="ob_issuer"),
    path(
        "ob/issuers/<int:pk>/revocations", openbadges.revocations, name="ob_revocations"
    ),
    path("ob/badges/<uuid:uuid>", openbadges.badge_class, name="ob_badge"),
    path("ob/badges/<uuid:uuid>/image", openbadges.badge_image, name="ob_badge_image"),
    path("ob/assertions/<uuid:uuid>", openbadges.assertion, name="ob_assertion"),
    path("ob/assertions/<uuid:uuid>/badge.png", openbadges.baked, name="ob_baked"),
    # Open Badges 3.0, public: issuer Profile, keys (each key's URL is its kid),
    # revocation list.
    path("ob/v3/issuers/<int:pk>", openbadges.ob3_issuer, name="ob3_issuer"),
    path("ob/v3/issuers/<int:pk>/jwks", openbadges.ob3_jwks, name="ob3_jwks"),
    path(
        "ob/v3/issuers/<int:pk>/revocations",
        openbadges.ob3_revocations,
        name="ob3_revocations",
    ),
    path("ob/v3/keys/<uuid:uuid>", openbadges.ob3_key, name="ob3_key"),
    path("badges/verify/<uuid:uuid>/", openbadges.verify, name="verify_badge"),
]
