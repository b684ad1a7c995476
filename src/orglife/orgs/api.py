from ninja import Router

router = Router(tags=["组织与党员"])
