"""The emulator's Calendar v3 surface."""
