"""The HTTP API and web UI (``newsfold serve``); needs ``pip install 'newsfold[serve]'``.

Example::

    import uvicorn
    from newsfold.server import create_app

    uvicorn.run(create_app("newsfold.db", token="s3cret"), host="127.0.0.1", port=8000)
"""

from __future__ import annotations

from newsfold.server.app import DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES, LOOPBACK_HOSTS, create_app

__all__ = ["create_app", "DEFAULT_MAX_BATCH", "DEFAULT_MAX_BODY_BYTES", "LOOPBACK_HOSTS"]
