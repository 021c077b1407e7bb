#!/usr/bin/env python3
"""tests/docker/cog_in_container.py: runs the project's fake Cog server
(tests/fakes/cog.py) inside the test image. The fake binds 127.0.0.1, which
docker-proxy cannot reach from outside the container's network namespace,
so this wrapper makes it bind every address, then hands over to its main."""
import os
import socketserver
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "fakes"))

_bind = socketserver.TCPServer.server_bind


def _bind_all(self):
    self.server_address = ("0.0.0.0", self.server_address[1])
    _bind(self)


socketserver.TCPServer.server_bind = _bind_all

import cog  # noqa: E402

sys.exit(cog.main())
