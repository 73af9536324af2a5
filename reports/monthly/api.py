"""/api/v1/ endpoints of monthly_reports; ``register`` is called by supervision.api_urls."""


def register(router) -> None:
    pass
