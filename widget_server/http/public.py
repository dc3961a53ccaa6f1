"""The handler of the public URL tree: path → catalogue ref → cached bytes → response."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..core.catalogue import LOADER_HASHED, parse
from ..core.documents import UnknownVariant, cache_key, resolve, site_document
from ..core.options import OptionError, Options, parse_options
from .background import in_background
from .responses import document_response
from .service import NotFound, error_response, require_locale, service_of


async def public_document(request: Request) -> Response:
    service = service_of(request)
    ref = parse(request.url.path)
    if ref is None:
        raise NotFound("no such document")
    if not ref.shop:
        body = site_document(ref)
        if body is None and ref.kind is LOADER_HASHED:  # one a page pinned before an upgrade
            body = service.loaders.get(ref.digest)
        if body is None:
            raise NotFound()
        return document_response(request, body, ref.media_type, ref.header_kind, cache=service.cache)
    shop, version = service.shop(ref.shop)
    if ref.locale:
        require_locale(shop, ref.locale)
    try:
        asked = parse_options(request.query_params) if ref.query_options else Options()
        options = resolve(shop, ref, asked)
    except UnknownVariant:
        raise NotFound(f"shop {shop.id!r} has no variant {ref.variant!r}") from None
    except OptionError as error:
        return error_response(request.url.path, 400, str(error))
    as_of = service.as_of()
    days = service.known_days(shop.id, version, as_of)
    if days is None:
        days = await in_background(service.days, shop.id, version, as_of)
    made_for, change = days
    key = cache_key(ref, version, made_for, change, options)
    body = service.cache.get(key)
    if body is None:  # read and render off the event loop: a big shop's rebuild never holds up the others
        body = await in_background(service.cached, key, lambda: service.render(shop.id, version, as_of, ref, options))
    if body is None:
        raise NotFound("no such page")
    domains = shop.allowed_domains if ref.header_kind == "widget" else ()
    return document_response(request, body, ref.media_type, ref.header_kind, cache=service.cache, domains=domains)
