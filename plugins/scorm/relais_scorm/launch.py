"""Who may play what: a signed, short-lived launch token.

The player runs on the content origin, where no cookie is ever sent; its requests
carry this token in their URL instead. It names one learner, one activity (a lesson
block, or a trainer's preview), the package, the platform origin allowed to frame
the player and the learner's language, and expires after ``MAX_AGE``.
"""

from dataclasses import dataclass

from django.core import signing

SALT = "relais_scorm.launch"
MAX_AGE = 12 * 3600
PREVIEW = "urn:relais:scorm-preview:"


@dataclass(frozen=True)
class Launch:
    user_id: int
    organisation_id: int
    package_id: int
    activity: str  # urn:relais:activity:<lesson>:<block> or a preview URN
    platform: str  # scheme://host[:port] of the lesson page
    language: str = "fr"

    @property
    def preview(self):
        return self.activity.startswith(PREVIEW)

    def token(self):
        return signing.dumps(
            [
                self.user_id,
                self.organisation_id,
                self.package_id,
                self.activity,
                self.platform,
                self.language,
            ],
            salt=SALT,
            compress=True,
        )

    @classmethod
    def from_token(cls, token):
        """The launch, or None for a forged or expired token."""
        try:
            values = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            return None
        try:
            return cls(*values)
        except TypeError:
            return None
