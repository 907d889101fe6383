from lms.plugins import PluginConfig


class UndeclaredConfig(PluginConfig):
    name = "relais_undeclared"
    label = "undeclared"
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = "Undeclared"
        version = "1.0.0"
        description = "Keeps a person's phone number and declares nothing."
        author = "Relais tests"
        category = "other"
        min_core_version = "0.1"
