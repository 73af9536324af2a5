"""/api/v1/ endpoints of dashboard; ``register`` is called by supervision.api_urls."""


def register(router) -> None:
    pass
