"""The public REST API at ``/api/v1/`` (docs/api.md).

Tokens (``ApiToken``) authenticate; every request is served for the token's
organisation, on that organisation's host, with the role rules of the UI
(``lms.permissions``). Apps and plugins add resources through an ``api.py``
module (``lms.api.registry``).
"""
