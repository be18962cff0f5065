"""Where push messages may go: push services on the public internet, over https, never an
address inside our own network (a subscription is data a browser sends us, so anyone signed in
could otherwise point the sender at an internal service).

Checked twice. When a subscription arrives, its endpoint must be https with a host, and a host
written as an IP address must be public. When sending, the endpoint is checked again and a host
name is resolved by `PublicOnlyResolver`, which refuses it if any address it resolves to is not
public; the connection is then made to the addresses checked, so a name cannot change its answer
between the check and the connection. BEATBOOK_PUSH_ALLOW_LOOPBACK (tests only) also lets
messages go to loopback addresses, over plain http there.
"""

from __future__ import annotations

import ipaddress
import re
import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from app.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
PUBLIC_ONLY = "notifications go only to push services on the public internet"
LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOST_NAME = re.compile(rf"^({LABEL}\.)*{LABEL}\.?$", re.IGNORECASE)


class EndpointRefused(Exception):  # noqa: N818 - not an OSError, so aiohttp passes it on as is
    """A push endpoint the sender must not send to; the message says why, in plain words."""


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_kind(ip: IPAddress) -> str | None:
    """Why this address is not a public one ('loopback', 'private', ...), or None if it is."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        return address_kind(inner)
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local):
        return "private"
    if not ip.is_global:
        return "not public"
    return None


def refusal_for(
    ip: IPAddress, allow_loopback: bool | None = None, host: str | None = None
) -> str | None:
    """The message refusing a send to this address (that `host` resolved to), or None if it
    may be sent to."""
    kind = address_kind(ip)
    if kind is None:
        return None
    if kind == "loopback" and _allow_loopback(allow_loopback):
        return None
    inner = _embedded_ipv4(ip)
    shown = f"{ip} (IPv4 {inner})" if inner is not None else str(ip)
    if host:
        return (
            f"The push endpoint's host {host} resolves to {shown}, {_article(kind)} address: "
            f"{PUBLIC_ONLY}."
        )
    return f"The push endpoint's address {shown} is {_article(kind)} address: {PUBLIC_ONLY}."


def _article(kind: str) -> str:
    return {"unspecified": "an unspecified", "not public": "not a public"}.get(kind, f"a {kind}")


def _allow_loopback(allow: bool | None) -> bool:
    return get_settings().push_allow_loopback if allow is None else allow


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_endpoint(endpoint: str, allow_loopback: bool | None = None) -> None:
    """Raise EndpointRefused unless this endpoint may be sent to, as far as can be told without
    resolving a host name: https (http only to loopback, when allowed), a host, no user name, and
    a host written as an IP address that is public."""
    allow = _allow_loopback(allow_loopback)
    if not (endpoint.isascii() and endpoint.isprintable()) or " " in endpoint:
        raise EndpointRefused("The push endpoint is not a web address.")  # browsers' are ASCII
    try:
        url = URL(endpoint)
        host = url.raw_host or ""
        url.port  # noqa: B018 - a port that is not a number raises here
    except (ValueError, TypeError) as exc:
        raise EndpointRefused("The push endpoint is not a web address.") from exc
    after_host = re.search(r"[/?#]", endpoint.partition("://")[2])
    if url.scheme not in {"https", "http"} or not host or not after_host or after_host[0] != "/":
        raise EndpointRefused("The push endpoint must be an https address with a path.")
    if url.raw_user is not None or url.raw_password is not None:
        raise EndpointRefused("The push endpoint must not carry a user name or password.")
    ip = _literal_ip(host)
    if ip is None and (_looks_numeric(host) or not HOST_NAME.match(host)):
        # 127.1, 2130706433, 0x7f.0.0.1: socket libraries read these as addresses
        shown = f" {host}" if host.isascii() and host.isprintable() and len(host) <= 80 else ""
        raise EndpointRefused(f"The push endpoint's host{shown} is not a valid host name.")
    if url.port == 0:
        raise EndpointRefused("The push endpoint's port is not a valid port.")
    if url.scheme == "http":
        loopback = host.lower().rstrip(".") == "localhost" or (
            ip is not None and address_kind(ip) == "loopback"
        )
        if not (allow and loopback):
            raise EndpointRefused(f"The push endpoint must use https: {PUBLIC_ONLY}.")
    if ip is not None and (message := refusal_for(ip, allow)):
        raise EndpointRefused(message)


def _looks_numeric(host: str) -> bool:
    """A host whose last label is a number (no top-level domain is): not a host name."""
    last = host.rstrip(".").rsplit(".", 1)[-1].lower()
    return last.isdigit() or (last.startswith("0x") and len(last) > 2) or not last


class PublicOnlyResolver(AbstractResolver):
    """aiohttp's resolver, refusing a host name that resolves to any address that is not public
    (loopback too, when BEATBOOK_PUSH_ALLOW_LOOPBACK is on)."""

    def __init__(self, inner: AbstractResolver | None = None, allow_loopback: bool | None = None):
        self._inner = inner
        self._allow = allow_loopback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if self._inner is None:
            self._inner = DefaultResolver()
        found = await self._inner.resolve(host, port, family)
        for result in found:
            ip = _literal_ip(result["host"].split("%", 1)[0])
            message = (
                f"The push endpoint's host {host} did not resolve to an address."
                if ip is None
                else refusal_for(ip, self._allow, host)
            )
            if message:
                raise EndpointRefused(message)
        return found

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()
