"""``python -m corpus.report``: the ``corpus-reports`` command, for environments without its script on the PATH."""

import sys

from .runner import main

sys.exit(main())
