"""Who may play what: a signed, short-lived token per learner and lesson activity.

The player runs in a sandboxed iframe without the platform's origin, so it has no
cookies; its xAPI and state requests carry this token instead and can only speak for
that learner and that activity.
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

    @property
    def activity(self):
        return f"urn:relais:activity:{self.lesson_id}:{self.block_id}"

    def token(self):
        return signing.dumps(
            [self.user_id, self.lesson_id, self.block_id, self.content_uuid],
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
        return cls(*values)
