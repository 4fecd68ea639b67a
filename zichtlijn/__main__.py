"""`python -m zichtlijn`: the same as the `zichtlijn` command."""

import sys

from zichtlijn.cli import main

sys.exit(main())
