"""Models of the recruitment plugin."""

from relais_recruitment.volunteer_time_models import (  # noqa: F401  (volunteer time)
    Activity,
    Departure,
    DepartureReason,
    DriftNotice,
    HourEntry,
    TimeSettings,
    ValuationRate,
)
