"""Where the community plugin plugs into the core (dashboard, menu, demo)."""

from relais_community import talk_hooks  # noqa: F401
