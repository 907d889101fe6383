"""Run in a fresh process by test_startplugin: a restarted app with the new plugin.

Prints one JSON line describing what each organisation sees.
"""

import json

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from lms.plugins.activation import installed_plugins  # noqa: E402
from tests.factories import UserFactory, make_organisation, member  # noqa: E402

call_command("migrate", verbosity=0)
site_a = make_organisation("Site A", "a.test", default=True)
site_b = make_organisation("Site B", "b.test")
operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
volunteer = member(site_a)
member(site_b, user=volunteer)

client = Client()
client.force_login(operator)
listing = client.get(reverse("lms_plugins"), HTTP_HOST="a.test").content.decode()
client.post(
    reverse("lms_plugins"),
    {"enabled": [f"{site_a.pk}:hello_world"]},
    HTTP_HOST="a.test",
)

client.force_login(volunteer)
print(
    json.dumps(
        {
            "installed": [plugin.label for plugin in installed_plugins()],
            "listed": "HelloWorld" in listing,
            "page_a": client.get("/hello_world/", HTTP_HOST="a.test").status_code,
            "page_b": client.get("/hello_world/", HTTP_HOST="b.test").status_code,
            "panel_a": "This panel comes from a plugin"
            in client.get("/dashboard/", HTTP_HOST="a.test").content.decode(),
            "panel_b": "This panel comes from a plugin"
            in client.get("/dashboard/", HTTP_HOST="b.test").content.decode(),
        }
    )
)
