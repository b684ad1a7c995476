"""API routes for this app (registered in orglife.api.api)."""

from ninja import Router

router = Router(tags=["study"])
