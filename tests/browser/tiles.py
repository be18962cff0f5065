"""A map tile server for browser tests: /{z}/{x}/{y}.png answered on loopback with generated
256x256 PNGs (the standard library writes them), each request recorded."""

from __future__ import annotations

import re
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TILE = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-coloured RGB PNG with a darker one-pixel grid line on its left and top edges."""
    dark = bytes(max(0, c - 60) for c in rgb)
    row_plain = b"\x00" + dark + bytes(rgb) * (width - 1)
    row_line = b"\x00" + dark * width
    raw = row_line + row_plain * (height - 1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


class TileServer:
    """Started with start(); `requests` holds each tile path asked for."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                found = TILE.match(self.path.split("?")[0])
                if not found:
                    self.send_error(404)
                    return
                z, x, y = map(int, found.groups())
                server.requests.append(self.path)
                body = png(256, 256, (200 + (x % 2) * 20, 220 + (y % 2) * 15, 200 + z % 40))
                self.send_response(200)
                self.send_header("content-type", "image/png")
                self.send_header("content-length", str(len(body)))
                self.send_header("cache-control", "max-age=3600")
                self.send_header("access-control-allow-origin", "*")
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the page moved on before its tile came

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"

    def start(self) -> TileServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
