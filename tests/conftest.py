"""Suite-wide settings: a non-interactive matplotlib backend and no network-dependent state."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")
