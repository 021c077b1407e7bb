"""tests/fakes/dev/pycog/cog: a stand-in cog Python package (only
`python3 -m cog.server.http`, PORT from the environment) for r8play's
dev-loop tests; put tests/fakes/dev/pycog on PYTHONPATH."""
