"""The stand-in cog.server package."""
