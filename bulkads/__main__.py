"""`python -m bulkads` is `bulkads`."""

from bulkads.cli import main

main()
