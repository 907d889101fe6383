"""The learning core: course catalogues, lessons, onboarding paths and badges."""
