from dataclasses import dataclass


@dataclass(frozen=True)
class MenuLink:
    """An item a plugin adds to the site's main menu (``lms_register_menu_items``)."""

    label: str
    url: str
