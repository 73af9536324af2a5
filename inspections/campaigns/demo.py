"""Demo data of campaigns for `manage.py seed_demo` (idempotent: running the seed twice adds nothing twice)."""


def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its year of visits and tickets is built."""
