from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site


class PluginActivation(models.Model):
    """A plugin switched on for one organisation. No row means off."""

    organisation = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="plugin_activations"
    )
    app_label = models.CharField(_("plugin"), max_length=100)
    enabled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enabled plugin")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "app_label"], name="lms_plugin_once_per_site"
            )
        ]

    def __str__(self):
        return f"{self.app_label} @ {self.organisation}"
