"""`python -m certify` runs the command line."""

import sys

from certify.cli import main

sys.exit(main())
