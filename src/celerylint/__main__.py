"""``python -m celerylint``: never let the analysed project shadow our own imports.

``-m`` puts the working directory first on ``sys.path``; run inside a project with a
top-level ``celery.py`` or ``yaml.py``, importing celery would execute the project's
file. celerylint never runs project code, so that entry goes before anything loads.
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from celerylint.cli import main  # noqa: E402 - must follow the sys.path repair

raise SystemExit(main())
