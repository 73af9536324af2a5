"""/api/v1/ endpoints of evaluations; ``register`` is called by supervision.api_urls."""


def register(router) -> None:
    pass
