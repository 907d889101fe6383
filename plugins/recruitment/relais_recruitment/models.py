"""Models of the recruitment plugin."""
