"""The app's listening socket is TCP as asyncio reads it, so that every connection it accepts has
TCP_NODELAY (small answers are not held back for the client's delayed ACK)."""

from __future__ import annotations

import asyncio
import socket

from streamlit.web.server.starlette import starlette_server

from tracker.server import bind_as_tcp


def _nodelay_of_accepted(listening: socket.socket) -> int:
    async def accept_one() -> int:
        accepted = asyncio.get_running_loop().create_future()

        class Protocol(asyncio.Protocol):
            def connection_made(self, transport):
                made = transport.get_extra_info("socket")
                accepted.set_result(made.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Protocol, sock=listening)
        port = listening.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        value = await asyncio.wait_for(accepted, 5)
        writer.close()
        server.close()
        return value

    return asyncio.run(accept_one())


def test_streamlit_s_own_binding_leaves_nagle_on_and_ours_turns_it_off():
    assert _nodelay_of_accepted(starlette_server._bind_socket("127.0.0.1", 0, 8)) == 0  # why bind_as_tcp exists
    assert _nodelay_of_accepted(bind_as_tcp(starlette_server._bind_socket)("127.0.0.1", 0, 8)) != 0
