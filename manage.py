#!/usr/bin/env python
"""Django's command-line utility. `platform/` is a source root, not a package; an installed copy has `sedp-manage`."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent

if __name__ == "__main__":
    if str(ROOT / "platform") not in sys.path:
        sys.path.insert(0, str(ROOT / "platform"))
    from config.cli import main

    main()
