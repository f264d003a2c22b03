"""`python -m bot` is the same as the `digestbot` console script."""

from bot.cli.app import main

if __name__ == "__main__":
    # Guarded: parse workers import the main module, which must not start the bot again.
    main()
