from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.blocks import ActivityBlock


class ScormActivityBlock(ActivityBlock):
    """A SCORM package played in the lesson. It completes as the package says: when
    the learner passes it, or completes it where it gives no pass or fail."""

    package = SnippetChooserBlock("scorm.ScormPackage", label=_("SCORM package"))
    attempts = blocks.IntegerBlock(
        label=_("Attempts allowed"),
        required=False,
        min_value=0,
        help_text=_(
            "Leave empty for no limit. A learner starts a new attempt once the "
            "previous one is finished (passed, failed or completed)."
        ),
    )

    class Meta:
        icon = "media"
        label = _("SCORM activity")
        template = "relais_scorm/block.html"

    def get_context(self, value, parent_context=None):
        from relais_scorm import attempts
        from relais_scorm.launch import Launch
        from relais_scorm.views import platform_origin, player_url

        context = super().get_context(value, parent_context)
        parent_context = parent_context or {}
        request, lesson = parent_context.get("request"), parent_context.get("lesson")
        block_id = parent_context.get("block_id")
        package = value.get("package")
        if not (request and lesson and block_id and package):
            return context
        if not request.user.is_authenticated:
            return context
        activity = f"urn:relais:activity:{lesson.pk}:{block_id}"
        attempt = attempts.latest(request.user.pk, activity, request.organisation.pk)
        allowed = value.get("attempts") or 0
        context.update(
            attempt=attempt,
            lesson=lesson,
            block_id=block_id,
            can_retry=attempt is not None
            and attempt.finished
            and (not allowed or attempt.number < allowed),
            player_url=player_url(
                request,
                Launch(
                    request.user.pk,
                    # The learner's organisation, where the lesson is shown: the
                    # attempt and its statements belong there, not to the package's
                    # owner (a federation sharing its course).
                    request.organisation.pk,
                    package.pk,
                    activity,
                    platform_origin(request),
                    getattr(request, "LANGUAGE_CODE", "fr"),
                ),
            ),
        )
        return context
