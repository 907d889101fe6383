from dataclasses import dataclass

# The groups of the main menu, in the order they are shown; a link names one.
LEARNING, COORDINATION, REPORTS, AUTHORING, ACCOUNT = (
    "learning",
    "coordination",
    "reports",
    "authoring",
    "account",
)
MENU_GROUPS = (LEARNING, COORDINATION, REPORTS, AUTHORING, ACCOUNT)


@dataclass(frozen=True)
class MenuLink:
    """An item a plugin adds to the site's main menu (``lms_register_menu_items``),
    shown under the heading of its ``group`` (one of ``MENU_GROUPS``)."""

    label: str
    url: str
    group: str = LEARNING
