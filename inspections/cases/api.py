"""/api/v1/ endpoints of cases; ``register`` is called by supervision.api_urls."""


def register(router) -> None:
    pass
