"""Where the community plugin plugs into the core (dashboard, menu, demo)."""
