from lms.plugins import PluginConfig


class ExampleConfig(PluginConfig):
    name = "relais_example"
    label = "example"
    default_auto_field = "django.db.models.BigAutoField"

    class PluginMeta:
        name = "Example"
        version = "1.0.0"
        description = "Exercises every extension point in the test suite."
        author = "Relais tests"
        category = "other"
        min_core_version = "0.1"

    def ready(self):
        from . import receivers  # noqa: F401


class BadMetaConfig(PluginConfig):
    """Listed under another entry point: lacks an author and a version."""

    name = "relais_example"
    label = "bad_meta"

    class PluginMeta:
        name = "Bad metadata"
        description = "No author, no version."
        min_core_version = "0.1"


class FutureConfig(PluginConfig):
    name = "relais_example"
    label = "future"

    class PluginMeta:
        name = "From the future"
        version = "1.0.0"
        description = "Needs a core that does not exist yet."
        author = "Relais tests"
        min_core_version = "99.0"
