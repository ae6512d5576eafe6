"""Where the wheel finds google_emulator: beside this file in the sdist (which `python -m build`
builds the wheel from), else at the repository's root (`pip wheel packaging/emulator`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]  # hatchling: build env only
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and not (Path(self.root) / "google_emulator").is_dir():
            source = Path(self.root).parent.parent / "google_emulator"
            build_data["force_include"][str(source)] = "google_emulator"
