"""The `digestbot` command line (Typer): a thin shell over the services."""
