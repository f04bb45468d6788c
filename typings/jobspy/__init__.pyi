# The part of python-jobspy (the optional `jobspy` extra) Vigia calls: `scrape_jobs`, whose
# result is a pandas DataFrame. Vigia reads it only through `to_dict(orient="records")`, so
# the stub describes that, not pandas.
from collections.abc import Hashable
from typing import Any, Literal, Protocol

class _Rows(Protocol):
    def to_dict(self, orient: Literal["records"]) -> list[dict[Hashable, Any]]: ...

def scrape_jobs(
    site_name: str | list[str] | None = None,
    search_term: str | None = None,
    google_search_term: str | None = None,
    location: str | None = None,
    distance: int | None = 50,
    is_remote: bool = False,
    job_type: str | None = None,
    easy_apply: bool | None = None,
    results_wanted: int = 15,
    country_indeed: str = "usa",
    proxies: list[str] | str | None = None,
    ca_cert: str | None = None,
    description_format: str = "markdown",
    linkedin_fetch_description: bool | None = False,
    linkedin_company_ids: list[int] | None = None,
    offset: int | None = 0,
    hours_old: int | None = None,
    enforce_annual_salary: bool = False,
    verbose: int = 0,
    user_agent: str | None = None,
    **kwargs: Any,
) -> _Rows: ...
