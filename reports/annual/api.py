"""/api/v1/ endpoints of annual; ``register`` is called by supervision.api_urls."""


def register(router) -> None:
    pass
