"""Where an organisation's statements go (``LrsEndpoint``), and what is still to
send there (``OutgoingStatement``, the outbox: one row per statement per endpoint,
written in the statement's own transaction)."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from lms.models.scoping import OrganisationQuerySet

# The kinds of activity the platform names (``urn:relais:<kind>:…``, see
# courses.statements) and "other" for every other activity id.
ACTIVITY_TYPES = ("course", "lesson", "activity", "step", "other")


def new_salt():
    return secrets.token_hex(16)


class ActorMode(models.TextChoices):
    ACCOUNT = "account", _("Account: a stable opaque id on the organisation's site")
    PSEUDONYMOUS = (
        "pseudonymous",
        _("Pseudonymous: an id salted for this LRS only, that no other system shares"),
    )


class LrsEndpoint(models.Model):
    """One learning record store an organisation sends its statements to."""

    organisation = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("LRS address"),
        max_length=500,
        help_text=_(
            "The xAPI base address given by the LRS, ending before “statements”, "
            "for example https://lrs.example.org/xAPI/"
        ),
    )
    key = models.CharField(_("key (Basic auth user)"), max_length=200)
    # Kept on the server only: the admin form never shows it back.
    secret = models.CharField(_("secret (Basic auth password)"), max_length=500)
    actor_mode = models.CharField(
        _("how learners are named"),
        max_length=20,
        choices=ActorMode.choices,
        default=ActorMode.PSEUDONYMOUS,
    )
    verbs = models.TextField(
        _("only these verbs"),
        blank=True,
        help_text=_(
            "One verb per line (an IRI, or a short name such as “completed”); "
            "empty sends every verb."
        ),
    )
    activity_types = models.CharField(
        _("only these activity types"),
        max_length=200,
        blank=True,
        help_text=_(
            "Separated by commas, among: course, lesson, activity, step, other; "
            "empty sends every activity."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Statements recorded while it is not active are not sent."),
    )
    # Salts the pseudonymous ids: two LRSs cannot join their records.
    salt = models.CharField(max_length=64, default=new_salt, editable=False)
    # Back-off of the whole endpoint after a failed delivery, and the lease of
    # the one delivery running for it (statements go out in order).
    failures = models.PositiveIntegerField(default=0, editable=False)
    retry_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("LRS endpoint")
        verbose_name_plural = _("LRS endpoints")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="xapi_endpoint_unique_name"
            )
        ]

    def __str__(self):
        return self.name

    def verb_list(self):
        from lms.xapi_forwarding.statements import verb_iri

        return [verb_iri(line) for line in self.verbs.split() if line.strip()]

    def activity_type_list(self):
        return [
            part.strip().lower()
            for part in self.activity_types.split(",")
            if part.strip()
        ]

    def clean(self):
        from lms.xapi_forwarding.statements import verb_iri

        errors = {}
        try:
            for line in self.verbs.split():
                verb_iri(line)
        except ValueError as error:
            errors["verbs"] = str(error)
        unknown = set(self.activity_type_list()) - set(ACTIVITY_TYPES)
        if unknown:
            errors["activity_types"] = _("Unknown activity type: %(types)s.") % {
                "types": ", ".join(sorted(unknown))
            }
        if errors:
            raise ValidationError(errors)


class OutgoingStatement(models.Model):
    """One statement to deliver to one endpoint: pending until the LRS took it,
    dead after too many attempts (replayed by hand)."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        DELIVERED = "delivered", _("delivered")
        DEAD = "dead", _("given up")

    endpoint = models.ForeignKey(
        LrsEndpoint, on_delete=models.CASCADE, related_name="outgoing"
    )
    # Erasing a person erases her statements, and so what was still to send.
    statement = models.ForeignKey(
        "courses.Statement", on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["endpoint", "state", "id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "statement"], name="xapi_outgoing_once"
            )
        ]

    def __str__(self):
        return f"{self.statement_id} → {self.endpoint_id} ({self.state})"
