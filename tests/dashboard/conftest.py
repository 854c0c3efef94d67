# The staff figures count strong matches, which only the real matcher makes: the dashboard tests
# share the matching tests' catalogue of companies and ideas.
from tests.matching.conftest import catalogue  # noqa: F401
