"""/api/v1/ endpoints of campaigns; ``register`` is called by supervision.api_urls."""


def register(router) -> None:
    pass
