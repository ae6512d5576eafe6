"""System checks (filled in with the Google configuration)."""
