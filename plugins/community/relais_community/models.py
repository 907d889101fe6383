"""Models of the community plugin."""
