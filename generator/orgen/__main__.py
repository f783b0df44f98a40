"""`python -m orgen` runs the CLI."""

from .cli import main

main()
