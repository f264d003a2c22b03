"""The command core: commands declared once, parsed and routed by platform-neutral code."""
