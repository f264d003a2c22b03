"""`python -m bot` is the same as the `digestbot` console script."""

from bot.cli.app import main

main()
