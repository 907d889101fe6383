"""Where the recruitment plugin plugs into the core (dashboard, menu, demo)."""

from relais_recruitment import volunteer_time_hooks  # noqa: F401  (volunteer time)
