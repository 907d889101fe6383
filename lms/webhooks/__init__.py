"""Outgoing webhooks (issue 20): an organisation's admins subscribe URLs to events;
each event is sent as a signed POST (Standard Webhooks) from a background job,
retried with backoff, logged, replayable, and an endpoint that keeps failing is
disabled. The events come from every app's ``webhook_events`` module
(``lms.webhooks.catalogue``)."""
