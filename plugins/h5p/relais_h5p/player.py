"""Who may play what: a signed, short-lived token per learner and lesson activity.

The player runs on the content origin (``lms.content_origin``), in a sandboxed
frame with an opaque origin: no cookie of the platform ever reaches it. Its page,
its package files and its xAPI and state requests carry this token in their URL
instead: it opens that content only, speaks for that learner and that activity
only, and lets only the platform origin it names frame the player.
"""

from dataclasses import dataclass

from django.core import signing

SALT = "relais_h5p.player"
MAX_AGE = 12 * 3600


@dataclass(frozen=True)
class Grant:
    user_id: int
    lesson_id: int
    block_id: str
    content_uuid: str
    organisation_id: int = 0  # where the lesson was shown: its statements go there
    platform: str = ""  # scheme://host[:port] of the lesson page

    @property
    def activity(self):
        return f"urn:relais:activity:{self.lesson_id}:{self.block_id}"

    def token(self):
        return signing.dumps(
            [
                self.user_id,
                self.lesson_id,
                self.block_id,
                self.content_uuid,
                self.organisation_id,
                self.platform,
            ],
            salt=SALT,
            compress=True,
        )

    @classmethod
    def from_token(cls, token):
        """The grant, or None for a forged or expired token."""
        try:
            values = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            return None
        try:
            return cls(*values)
        except TypeError:
            return None
