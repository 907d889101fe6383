from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.blocks import ActivityBlock
from relais_h5p.player import Grant


class H5PActivityBlock(ActivityBlock):
    """An H5P package played in the lesson; completes from the player's statements."""

    content = SnippetChooserBlock("h5p.H5PContent", label=_("H5P content"))
    pass_threshold = blocks.FloatBlock(
        label=_("Score needed (0 to 1)"),
        required=False,
        min_value=0,
        max_value=1,
        help_text=_(
            "For scored content, e.g. 0.7 for 70 %. Leave empty: the activity "
            "completes once opened."
        ),
    )

    class Meta:
        icon = "media"
        label = _("H5P activity")
        template = "relais_h5p/block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        parent_context = parent_context or {}
        request, lesson = parent_context.get("request"), parent_context.get("lesson")
        block_id = parent_context.get("block_id")
        content = value.get("content")
        if (
            request
            and lesson
            and block_id
            and content
            and request.user.is_authenticated
        ):
            from relais_h5p.views import player_url

            grant = Grant(
                request.user.pk,
                lesson.pk,
                block_id,
                str(content.uuid),
                request.organisation.pk,
                f"{request.scheme}://{request.get_host()}",
            )
            context["player_url"] = player_url(request, grant)
        return context
