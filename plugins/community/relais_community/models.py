"""Models of the community plugin."""

from relais_community.talk_models import *  # noqa: F403
