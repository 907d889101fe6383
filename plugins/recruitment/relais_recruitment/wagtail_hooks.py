"""Where the recruitment plugin plugs into the core (dashboard, menu, demo)."""
