"""Lesson content blocks. Activity blocks (anything a learner does, not just reads)
subclass ActivityBlock: they carry ``required`` and are tracked by their block id."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"), choices=[("h2", "H2"), ("h3", "H3")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "courses/blocks/heading.html"
        preview_value = {"text": "Notre charte", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Text alternative"),
        required=False,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video address (YouTube, Vimeo, PeerTube…)"))
    transcript = blocks.RichTextBlock(
        label=_("Transcript"), required=False, features=["bold", "italic", "link"]
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/document.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("tip", _("Tip")), ("important", _("Important"))],
        default="tip",
    )
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link"])

    class Meta:
        icon = "help"
        template = "courses/blocks/callout.html"
        preview_value = {"kind": "tip", "text": "<p>Prenez votre temps.</p>"}


class AccordionBlock(blocks.StructBlock):
    items = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("question", blocks.CharBlock(label=_("Question"))),
                ("answer", blocks.RichTextBlock(label=_("Answer"))),
            ]
        ),
        label=_("Questions"),
    )

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/accordion.html"


class ActivityBlock(blocks.StructBlock):
    """Base of every block a learner completes. Plugins subclass it for their
    activities (quiz, H5P…); progress comes only from statements about it."""

    required = blocks.BooleanBlock(
        label=_("Required to complete the lesson"), required=False, default=True
    )

    is_activity = True


class AcknowledgeBlock(ActivityBlock):
    """ "I have read and accept": the learner's tick is recorded with its time."""

    text = blocks.RichTextBlock(label=_("What the learner accepts"))
    label = blocks.CharBlock(
        label=_("Checkbox label"), default=_("I have read and I accept"), max_length=120
    )

    class Meta:
        icon = "tick-inverse"
        template = "courses/blocks/acknowledge.html"


CORE_BLOCKS = [
    ("text", blocks.RichTextBlock(label=_("Text"), icon="pilcrow")),
    ("heading", HeadingBlock(label=_("Heading"))),
    ("image", ImageBlock(label=_("Image"))),
    ("video", VideoBlock(label=_("Video"))),
    ("document", DocumentBlock(label=_("Document"))),
    ("callout", CalloutBlock(label=_("Tip or important note"))),
    ("accordion", AccordionBlock(label=_("Questions and answers"))),
    ("acknowledge", AcknowledgeBlock(label=_("Read and accept"))),
]
