"""A TCP proxy between an SDK and the gateway that cuts the first Server-Sent Events connection after a number of
response bytes (mid-frame, as a network would): the SDK under test must reconnect by itself and resume."""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlparse


class CuttingProxy:
    def __init__(self, upstream: str, cut_after_bytes: int = 2500, path_marker: bytes = b"/sse"):
        u = urlparse(upstream)
        self.host, self.port = u.hostname, u.port
        self.cut_after_bytes = cut_after_bytes
        self.path_marker = path_marker
        self.cuts = 0
        self.sse_connections = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="compat-cutting-proxy")
        self._server: asyncio.base_events.Server | None = None
        self.url = ""

    def start(self) -> "CuttingProxy":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the cutting proxy did not start")
        return self

    def stop(self) -> None:
        def shutdown():
            if self._server:
                self._server.close()
            self._loop.stop()
        self._loop.call_soon_threadsafe(shutdown)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def listen():
            self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
            self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
            self._ready.set()
        self._loop.run_until_complete(listen())
        self._loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        first = await reader.read(65536)
        request_line = first.split(b"\r\n", 1)[0]
        is_sse = self.path_marker in request_line
        cut = False
        if is_sse:
            self.sse_connections += 1
            cut = self.cuts == 0
            if cut:
                self.cuts += 1
        up_writer.write(first)
        await up_writer.drain()

        async def upstream():
            try:
                while data := await reader.read(65536):
                    up_writer.write(data)
                    await up_writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                up_writer.close()

        async def downstream():
            sent = 0
            try:
                while data := await up_reader.read(512 if cut else 65536):
                    if cut and sent + len(data) >= self.cut_after_bytes:
                        writer.write(data[: self.cut_after_bytes - sent])
                        await writer.drain()
                        break
                    writer.write(data)
                    await writer.drain()
                    sent += len(data)
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()
                up_writer.close()
        await asyncio.gather(upstream(), downstream(), return_exceptions=True)
