from tests.proposals.conftest import yen_phong  # noqa: F401 (the Yên Phong tenant fixture, shared)
