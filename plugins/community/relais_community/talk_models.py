"""Discussions and recognition: questions under courses and lessons, team spaces,
moderation, and thank-you cards.

Every row belongs to one organisation (``for_organisation()``); who may read a post
is decided once, in ``relais_community.talk``. The text people type is kept as they
typed it (``body``) and shown only through ``body_html``, which the sanitiser wrote
(``relais_community.talk_text``): nothing else is ever marked safe.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from lms.models.scoping import OrganisationQuerySet

__all__ = [
    "DiscussionPost",
    "ModerationRecord",
    "Mute",
    "OrganisationValue",
    "PostReport",
    "ThankYou",
]


class DiscussionPostQuerySet(OrganisationQuerySet):
    def visible(self):
        """Posts nobody hid (moderators see the rest through their own views)."""
        return self.filter(hidden_at__isnull=True)


class DiscussionPost(models.Model):
    """A question under a course or lesson page, its answers, or a post (and its
    replies) in a team's space: one level of replies, never more."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        ANSWER = "answer", _("Answer")
        TEAM_POST = "team_post", _("Team post")
        TEAM_REPLY = "team_reply", _("Reply")

    organisation = models.ForeignKey(
        Site, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # A question's course or lesson page (the learning core's page).
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.ForeignKey(
        "lms.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    body = models.TextField(_("text"), max_length=5000)
    body_html = models.TextField(editable=False)
    mentioned = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Questions: when an answer was marked as the one that helped (answered first).
    answered_at = models.DateTimeField(null=True, blank=True)
    # Answers: the one the asker or a trainer marked.
    helpful = models.BooleanField(_("helped"), default=False)
    # Questions: when trainers were told nobody had answered (the daily job's guard).
    trainers_notified_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = DiscussionPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("discussion post")
        verbose_name_plural = _("discussion posts")
        indexes = [
            models.Index(
                fields=["organisation", "team", "kind", "-created_at"],
                name="community_post_team_idx",
            ),
            models.Index(
                fields=["organisation", "page", "kind"],
                name="community_post_page_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="community_post_kind_known",
                condition=Q(kind__in=["question", "answer", "team_post", "team_reply"]),
            ),
            # Each kind hangs where it belongs, and nowhere else.
            models.CheckConstraint(
                name="community_post_placed_by_kind",
                condition=(
                    Q(kind="question", page__isnull=False, parent__isnull=True)
                    | Q(kind="answer", parent__isnull=False)
                    | Q(kind="team_post", team__isnull=False, parent__isnull=True)
                    | Q(kind="team_reply", team__isnull=False, parent__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_question(self):
        return self.kind == self.Kind.QUESTION

    @property
    def thread(self):
        """The question or team post this one belongs to."""
        return self.parent if self.parent_id else self


class PostReport(models.Model):
    """Someone told the moderators a post should not be there; one per person."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        DiscussionPost, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"], name="community_one_report_per_person"
            )
        ]

    def __str__(self):
        return f"Report #{self.pk} on {self.post_id}"


class ModerationRecord(models.Model):
    """What a moderator did and why: kept when the post itself is deleted."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DELETE = "delete", _("Deleted")
        MUTE = "mute", _("Muted")
        UNMUTE = "unmute", _("No longer muted")

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    # The post's id (it may be gone) or the muted person.
    post_id = models.BigIntegerField(null=True, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="community_moderation_action_known",
                condition=Q(action__in=["hide", "restore", "delete", "mute", "unmute"]),
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} #{self.pk}"


class Mute(models.Model):
    """A person who may no longer post in the organisation's discussions."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"], name="community_one_mute_per_person"
            )
        ]

    def __str__(self):
        return f"Mute #{self.pk}"


class OrganisationValue(models.Model):
    """A value the organisation stands for, that a thank-you card may name."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("value")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="community_value_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class ThankYou(models.Model):
    """A "merci" card from one member to another, on the organisation's wall."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    value = models.ForeignKey(
        OrganisationValue,
        verbose_name=_("value"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message"), max_length=1000)
    message_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("thank-you card")
        constraints = [
            models.CheckConstraint(
                name="community_thanks_someone_else",
                condition=~Q(sender=models.F("recipient")),
            )
        ]

    def __str__(self):
        return f"Thank-you card #{self.pk}"
