"""Shared pieces of the dashboard: log-in and log-out, the page guard, filters kept in the
page URL, tables with a CSV download (audited), titles that say what and as of when, and
the colour-blind-safe palette (Okabe and Ito). No page logic lives here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Literal, NamedTuple, TypeVar
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from dashboards import data
from tracker import auth
from tracker.auth import CurrentUser
from tracker.config import Settings
from tracker.coverage.rules import RuleSet
from tracker.reference import labels, vocab
from tracker.store import audit
from tracker.store.db import unit_of_work

USER_KEY = "tracker_user"
CLOCK_KEY = "tracker_session_clock"
NOTICE_KEY = "tracker_login_notice"
WANTED_KEY = "tracker_wanted_page"  # the page and filters a logged-out URL asked for
LANDING_KEY = "tracker_landing_notice"  # why the page landed on is not the one asked for

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7", "grey": "#999999", "black": "#000000",
}
# A person's status and a group's (their words: ``tracker.reference.labels``), in colour.
STATUS_COLOURS = {labels.STATUS_WORDS[status]: OKABE_ITO[colour] for status, colour in (
    ("completed", "blue"), ("exempt", "grey"), ("not_yet_due", "sky_blue"),
    ("outstanding", "orange"))}
RAG_COLOURS = {"green": OKABE_ITO["bluish_green"], "amber": OKABE_ITO["orange"],
               "red": OKABE_ITO["vermillion"]}
IDENTITY_COLUMNS = ("full_name", "staff_number", "collar_number", "email", "line_manager",
                    "line_manager_name", "name", "officer")  # officer: a staff or collar no.

T = TypeVar("T")


# ---------------------------------------------------------------- page style

# WCAG 2.2 AA fixes to Streamlit's own widgets that its theme cannot make (colours are in
# .streamlit/config.toml): the day, month and year of a date box are each a click target
# at least 24 px square (2.5.8 Target Size, Minimum).
ACCESSIBLE_CSS = """<style>
[data-testid="stDateInput"] [role="spinbutton"] {
  display: inline-block; min-width: 24px; min-height: 24px; text-align: center;
}
</style>"""


def page_style() -> None:
    """Once per run, before any page (the log-in screen included): ``ACCESSIBLE_CSS``."""
    st.html(ACCESSIBLE_CSS)


# ---------------------------------------------------------------- log-in and the guard


def current_user() -> CurrentUser | None:
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, CurrentUser) else None


def login_gate() -> CurrentUser:
    """The logged-in user as the users table has them now; otherwise the log-in screen is
    shown and the run stops. Every run checks the session: it ends (with a notice) when
    it is older than TRACKER_SESSION_MINUTES, idle for TRACKER_IDLE_MINUTES or the user
    has been deactivated; a changed role, force or departments applies at once."""
    oidc = auth.auth_mode() == "oidc"
    user = _oidc_gate() if oidc else current_user()
    if user is not None:
        live = _live_session(user, oidc)
        if live is not None:
            return live
    if oidc:
        st.info(st.session_state.pop(NOTICE_KEY, "Log in again to carry on."))
        st.stop()
    _remember_wanted()
    _login_form()
    st.stop()


class Wanted(NamedTuple):
    """Where a URL opened while logged out pointed: the page's URL path (its id) and the
    filters in its query string, to open once the user has logged in."""

    page: str
    params: dict[str, list[str]]


def _remember_wanted() -> None:
    """Keep the page and filters the browser's URL asks for, once per logged-out spell
    (after "Log out" the next log-in starts at the home page, whatever the URL says).
    Before ``st.navigation`` has run, ``st.context.url`` is the address as typed, without
    its query string; ``st.query_params`` has the filters."""
    if WANTED_KEY in st.session_state:
        return
    path = urlsplit(st.context.url or "").path.rstrip("/")
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    st.session_state[WANTED_KEY] = Wanted(path.rsplit("/", 1)[-1], params)


def land(user: CurrentUser, current: Any, pages: Mapping[str, Any]) -> None:
    """The first run after log-in: open the page the URL asked for, with its filters; if
    the user may not open it, open the first page and say why there (a refusal by role is
    audited). ``current`` is the page ``st.navigation`` chose; ``pages`` the user's pages
    by id, the first being the home page."""
    wanted = st.session_state.pop(WANTED_KEY, None)
    if isinstance(wanted, Wanted):
        target, params = pages.get(wanted.page), wanted.params
        if target is None:
            target, params = next(iter(pages.values())), {}
            _not_opened(user, wanted.page, target.title)
        if target.url_path != current.url_path:
            st.switch_page(target, query_params=params)
        st.query_params.from_dict(params)
    if LANDING_KEY in st.session_state:
        kind, text = st.session_state.pop(LANDING_KEY)
        (st.error if kind == "error" else st.info)(text)


def _not_opened(user: CurrentUser, page: str, instead: str) -> None:
    """Why the page a link asked for is not the one shown (kept for the landing page)."""
    if page not in auth.PAGES:
        return  # an address that is no page: the home page, without a word
    title = auth.PAGES[page].title
    if auth.may_open(user, page):  # the National page, for a user of one force
        st.session_state[LANDING_KEY] = ("info", (
            f"The link you followed opens the {title} page, which compares forces; you "
            f"see one force, so you are on the {instead} page instead."))
        return
    _audit_refusal(user, page)
    st.session_state[LANDING_KEY] = ("error", (
        f"The link you followed opens the {title} page, which your role "
        f"({auth.ROLE_LABELS.get(user.role, user.role)}) cannot open, so you are on the "
        f"{instead} page instead. Ask an administrator if you need it."))


def _live_session(user: CurrentUser, oidc: bool) -> CurrentUser | None:
    """``user`` refreshed from the users table (one read by user name) and the session's
    clock moved on; None once the session has been ended for a reason given in a notice."""
    settings = data.settings()
    clock = st.session_state.get(CLOCK_KEY)
    if clock is None and oidc:  # the identity provider decides how long a log-in lasts
        clock = st.session_state[CLOCK_KEY] = auth.SessionClock()
    live = None
    if clock is None or (not oidc and clock.expired(settings.session_minutes)):
        _end_session(user, "session expired", f"Your session ended after "
                     f"{settings.session_minutes} minutes; log in again to carry on.", oidc)
    elif clock.idle(settings.idle_minutes):
        _end_session(user, "idle", f"You were logged out after {settings.idle_minutes} "
                     "minutes without activity; log in again to carry on.", oidc)
    elif (live := auth.live_user(data.engine(), user)) is None:
        _end_session(user, "deactivated", "Your account has been deactivated, so you have "
                     "been logged out. Ask an administrator if you still need the tracker.",
                     oidc)
    else:
        _apply_changes(user, live)
        clock.touch()
    return live


def _apply_changes(before: CurrentUser, live: CurrentUser) -> None:
    """Keep the users table's view of the user; say so when their role changed."""
    if live == before:
        return
    st.session_state[USER_KEY] = live
    if live.role != before.role:
        st.toast(f"Your role is now {auth.ROLE_LABELS.get(live.role, live.role)}; the pages "
                 "you can open have changed with it.", icon=":material/badge:")


def _end_session(user: CurrentUser, reason: str, notice: str, oidc: bool) -> None:
    auth.record_logout(data.engine(), user, reason=reason)
    _forget()
    st.session_state[NOTICE_KEY] = notice
    if oidc:
        st.logout()


def _login_form() -> None:
    st.title("OIC training compliance tracker")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    with st.form("login"):
        username = st.text_input("User name", key="login_username")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in", key="login_submit", type="primary")
    if submitted:
        result = auth.authenticate(data.engine(), username, password)
        if result.ok and result.user is not None:
            _remember(result.user)
            st.rerun()
        st.error(result.text("dashboard"))


def _oidc_gate() -> CurrentUser:
    """Identity from the organisation's identity provider (``st.login``); the role from the
    tracker's users table, by email."""
    if not st.user.get("is_logged_in", False):
        st.title("OIC training compliance tracker")
        if NOTICE_KEY in st.session_state:
            st.info(st.session_state.pop(NOTICE_KEY))
        st.write("Log in with your organisation account.")
        st.button("Log in", key="oidc_login", on_click=st.login, type="primary")
        st.stop()
    email = str(st.user.get("email") or "")
    user = current_user()
    if user is None or (user.email or "") != email.strip().lower():
        result = auth.user_for_email(data.engine(), email)
        if not result.ok or result.user is None:
            st.error(result.text("dashboard"))
            st.button("Log out", key="oidc_logout", on_click=st.logout)
            st.stop()
        _remember(result.user)
        user = result.user
    return user


def _remember(user: CurrentUser) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[CLOCK_KEY] = auth.SessionClock()


def _forget() -> None:
    for key in (USER_KEY, CLOCK_KEY):
        st.session_state.pop(key, None)


def logout() -> None:
    user = current_user()
    if user is not None:
        auth.record_logout(data.engine(), user)
    _forget()
    st.session_state[NOTICE_KEY] = "You have logged out."
    st.session_state[WANTED_KEY] = Wanted("", {})  # the next log-in: the home page,
    st.query_params.clear()  # without this page's filters
    if auth.auth_mode() == "oidc":
        st.logout()


def page_user(page: str) -> CurrentUser:
    """The top of every page: the user, if their role may open ``page``; otherwise a
    refusal is shown (and audited) and the run stops, however the page was reached."""
    user = current_user()
    title = auth.PAGES[page].title
    if user is None:
        st.warning("Log in first: open the tracker's home page.")
        st.stop()
    if not auth.may_open(user, page):
        _audit_refusal(user, page)
        st.error(f"The {title} page is not open to your role "
                 f"({auth.ROLE_LABELS.get(user.role, user.role)}). Ask an administrator "
                 "if you need it.")
        st.stop()
    return user


def _audit_refusal(user: CurrentUser, page: str) -> None:
    with unit_of_work(data.engine()) as session:
        audit.record(session, user.username, "page-refused", page)


class Page(NamedTuple):
    """What a page starts from: who is looking, the settings, the data's fingerprint (the
    caches' key), the force and departments they may see, and the requirement rules."""

    user: CurrentUser
    settings: Settings
    token: data.Token
    force: str | None
    departments: tuple[str, ...] | None
    rules: RuleSet


def open_page(page: str) -> Page:
    """``page_user`` (the refusal and the stop included), then the rest of ``Page``."""
    user = page_user(page)
    force, departments = data.scope(user)
    return Page(user, data.settings(), data.state_token(), force, departments, data.rules())


def sidebar(user: CurrentUser) -> None:
    with st.sidebar:
        st.caption(f"Logged in as **{user.label}** · {data.force_name(user.force_code)}")
        if user.role == "manager":
            st.caption("Departments: " + data.department_names(user.departments))
        clock = st.session_state.get(CLOCK_KEY)
        if clock is not None and auth.auth_mode() == "password":
            ends = clock.started_at + dt.timedelta(minutes=data.settings().session_minutes)
            st.caption(f"Session ends at {ends:%H:%M} UTC, or after "
                       f"{data.settings().idle_minutes} minutes without activity")
        st.button("Log out", key="logout", on_click=logout)


# ---------------------------------------------------------------- filters in the URL


def _seed(widget_key: str, value: Any, *, from_url: bool = False) -> None:
    """Start a widget at ``value``; a value from the URL also replaces one the widget has
    kept (a link, or another page's switch with its filters in the URL, wins over a
    filter left behind under the same key: Coverage and Outstanding share them)."""
    if widget_key not in st.session_state or (
            from_url and st.session_state[widget_key] != value):
        st.session_state[widget_key] = value


def _to_url(param: str, text: Callable[[Any], str | list[str] | None]) -> Callable[[], None]:
    """An ``on_change`` callback: the widget's new value goes into the URL before the run,
    so the run finds the URL and the widget agreeing (and only a link differs)."""
    def write() -> None:
        value = text(st.session_state[f"f_{param}"])
        if value:
            st.query_params[param] = value
        else:
            st.query_params.pop(param, None)
    return write


def url_select(label: str, options: Sequence[T], param: str, *,
               format_func: Callable[[T], str] = str, default: T | None = None) -> T:
    """A select box whose value is kept in the URL as ``?param=value``."""
    by_text = {str(o): o for o in options}
    wanted = st.query_params.get(param)
    fallback = default if default in options else options[0]
    _seed(f"f_{param}", by_text.get(wanted or "", fallback), from_url=wanted in by_text)
    value = st.selectbox(label, list(options), key=f"f_{param}", format_func=format_func,
                         on_change=_to_url(param, str))
    st.query_params[param] = str(value)
    return value


def url_multiselect(label: str, options: Sequence[str], param: str, *,
                    format_func: Callable[[str], str] = str) -> list[str]:
    """A multi-select kept in the URL as ``?param=a&param=b`` (empty: everything); the
    URL holds it, so a link's values are the ones shown."""
    _seed(f"f_{param}", [v for v in st.query_params.get_all(param) if v in options],
          from_url=True)
    value = st.multiselect(label, list(options), key=f"f_{param}", format_func=format_func,
                           placeholder="All", on_change=_to_url(param, list))
    if value:
        st.query_params[param] = value
    else:
        st.query_params.pop(param, None)
    return list(value)


def url_date(label: str, param: str, default: dt.date) -> dt.date:
    """A date kept in the URL as ``?param=YYYY-MM-DD``."""
    try:
        start, from_url = dt.date.fromisoformat(st.query_params.get(param, "")), True
    except ValueError:
        start, from_url = default, False
    _seed(f"f_{param}", start, from_url=from_url)
    value = st.date_input(label, key=f"f_{param}", format="DD/MM/YYYY", on_change=_to_url(
        param, lambda d: d.isoformat() if isinstance(d, dt.date) else None))
    day = value if isinstance(value, dt.date) else default
    st.query_params[param] = day.isoformat()
    return day


def group_filters(options: dict[str, list[str]]) -> tuple[list[str], list[str], list[str]]:
    """Department, rank and workforce type filters in a row, each kept in the URL (``dept``,
    ``rank``, ``wf``): the same on every page that narrows people down."""
    from tracker.reference import vocab
    row = st.columns(3)
    with row[0]:
        depts = url_multiselect("Department", options["department"], "dept",
                                format_func=vocab.department_label)
    with row[1]:
        ranks = url_multiselect("Rank", options["rank"], "rank", format_func=vocab.rank_label)
    with row[2]:
        workforce = url_multiselect("Workforce type", options["workforce_type"], "wf",
                                    format_func=lambda w: vocab.WORKFORCE_LABELS.get(w, w))
    return depts, ranks, workforce


def done(page: str, message: str) -> None:
    """After a change on ``page``: run the page again, showing ``message`` at its top
    (``show_done``), so that everything on it shows the change."""
    st.session_state[f"{page}_message"] = message
    st.rerun()


def show_done(page: str) -> None:
    """The message ``done`` left for ``page``, once."""
    if f"{page}_message" in st.session_state:
        st.info(st.session_state.pop(f"{page}_message"))


def requirement_select(rules_ids: Sequence[str], titles: dict[str, str]) -> str:
    return url_select("Requirement", list(rules_ids), "req", format_func=lambda r: titles[r])


# ---------------------------------------------------------------- tables and downloads


def csv_export(frame: pd.DataFrame, name: str, user: CurrentUser,
               engine: Engine) -> Callable[[], bytes]:
    """A callable for ``st.download_button``: makes the CSV (with the headings a person
    reads, as the table shows them) when clicked, and records the export in the audit log
    (who, what, how many rows)."""
    def build() -> bytes:
        with unit_of_work(engine) as session:
            audit.record(session, user.username, "export", f"{name}.csv", rows=len(frame))
        return inert_csv(labels.headed(frame))
    return build


def inert_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes (UTF-8 with a byte-order mark, for Excel) from the one formula-safe writer
    (``tracker.reports.safe_text.csv_bytes``): no text runs as a formula, and a CR or LF inside a
    value is quoted, so it cannot start a row of its own."""
    from tracker.reports.safe_text import csv_bytes

    return csv_bytes(frame)


def download(frame: pd.DataFrame, name: str, user: CurrentUser, label: str | None = None) -> None:
    st.download_button(label or f"Download {name}.csv", csv_export(frame, name, user,
                       data.engine()), file_name=f"{name}.csv", mime="text/csv",
                       key=f"dl_{name}", on_click="ignore", icon=":material/download:")


def column_labels(frame: pd.DataFrame) -> dict[str, Any]:
    """Readable headers for a table: the same headings as its CSV download and the report's
    CSVs (``tracker.reference.labels``); the data keeps the plain column names."""
    return {str(c): st.column_config.Column(labels.heading(c)) for c in frame.columns}


def table(frame: pd.DataFrame, name: str, user: CurrentUser, *,
          height: int | Literal["auto"] = "auto",
          column_config: dict[str, Any] | None = None, shown: int | None = None,
          noun: str = "rows") -> None:
    """A table with readable headers and its CSV download underneath. With ``shown``, a
    longer table shows its first ``shown`` rows and says so (of how many ``noun``); the
    download holds them all."""
    rows = frame if shown is None or len(frame) <= shown else frame.head(shown)
    if len(rows) < len(frame):
        st.caption(f"Showing the first {len(rows):,} of {len(frame):,} {noun}, in the list's "
                   "order (sorting a column sorts these only). The download holds all "
                   f"{len(frame):,}; the filters above narrow the list.")
    st.dataframe(rows, hide_index=True, height=height,
                 column_config={**column_labels(frame), **(column_config or {})})
    download(frame, name, user)


INTERNAL_IDS = ("person_id",)  # the database's own keys: never shown, never downloaded


def people_view(frame: pd.DataFrame, user: CurrentUser, as_of: dt.date) -> pd.DataFrame:
    """People as this user may see them: with names, or (inspectors, when the setting is
    on) as the report's pseudonyms without names, emails or staff numbers; internal ids
    dropped either way."""
    internal = [c for c in INTERNAL_IDS if c in frame]
    if auth.shows_identities(user, data.settings().pseudonymise_inspectors):
        return frame.drop(columns=internal)
    out = frame.drop(columns=[c for c in IDENTITY_COLUMNS if c in frame])
    if "person_id" in frame:
        out.insert(0, "pseudonym", pseudonyms(frame["person_id"], as_of))
    return out.drop(columns=internal)


def pseudonyms(person_ids: pd.Series, as_of: dt.date) -> list[str | None]:
    """The report's pseudonym of each person id as of ``as_of`` (None for no person)."""
    from tracker.reports.data import pseudonym, pseudonym_key

    key = pseudonym_key(as_of, data.settings().pseudonym_secret())
    return [None if pd.isna(p) else pseudonym(int(p), key) for p in person_ids]


def people_words(ranks: Sequence[str], departments: Sequence[str],
                 workforce: Sequence[str] = ()) -> str:
    """"Inspectors in CID", "Sergeants and Inspectors", "Everyone in CID or Response": who
    a filter by rank, department and workforce type codes keeps, in words ("" for no
    filter); a workforce type is named when no rank is (a rank says it already)."""
    def plural(label: str) -> str:
        return label if label.lower().endswith(("staff", "s")) else f"{label}s"

    who = _joined([plural(vocab.rank_label(r)) for r in ranks] or [
        plural(vocab.WORKFORCE_LABELS.get(w, w)) for w in workforce], "and")
    where = _joined([vocab.department_label(d) for d in departments], "or")
    if not where:
        return who
    return f"{who or 'Everyone'} in {where}"


class LinkFilter(NamedTuple):
    """A filter a page's URL can set: its parameter, the word for it, a code's label, and
    the codes the vocabulary knows."""

    param: str
    word: str
    label: Callable[[str], str]
    codes: Callable[[], Collection[str]]


LINK_FILTERS = {  # column: its filter
    "department": LinkFilter("dept", "department", vocab.department_label,
                             lambda: vocab.departments().departments),
    "rank": LinkFilter("rank", "rank", vocab.rank_label, lambda: vocab.ranks().ranks),
    "workforce_type": LinkFilter("wf", "workforce type",
                                 lambda w: vocab.WORKFORCE_LABELS.get(w, w),
                                 lambda: vocab.WORKFORCE_TYPES),
}


def link_codes_left_out(options: dict[str, list[str]]) -> list[str]:
    """The ranks, departments and workforce types of the page's URL (``?rank=...&dept=...
    &wf=...``) that are not among ``options``, in words: "department CID". A code the
    vocabulary does not know is not repeated (the URL is anyone's text): "unknown
    department code"."""
    out = []
    for column, (param, word, label, codes) in LINK_FILTERS.items():
        for code in st.query_params.get_all(param):
            if code not in options.get(column, ()):
                out.append(f"{word} {label(code)}" if code in codes()
                           else f"unknown {word} code")
    return out


def _joined(words: Sequence[str], conjunction: str) -> str:
    return words[0] if len(words) == 1 else (
        f"{', '.join(words[:-1])} {conjunction} {words[-1]}" if words else "")


# ---------------------------------------------------------------- words


def day_text(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def days_from(deadline: dt.date, as_of: dt.date) -> str:
    """'59 days to go', 'today', '214 days past': the deadline seen from ``as_of``."""
    days = (deadline - as_of).days
    if days == 0:
        return "today"
    return f"{abs(days):,} day{'s' if abs(days) != 1 else ''} " + ("to go" if days > 0
                                                                  else "past")


def titled(what: str, as_of: dt.date) -> str:
    """'OIC e-learning coverage by rank, as of 30 Nov 2026'."""
    return f"{what}, as of {day_text(as_of)}"


def pct_text(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.1f}%"


def points_since(now: Any, then: dict[str, Any] | None, deadline: dt.date) -> str | None:
    """"+4.2 points since 30 Apr 2026": the move in coverage since the deadline (None before
    it, or when either figure is missing)."""
    if then is None or now is None or pd.isna(now) or then["coverage_pct"] is None \
            or pd.isna(then["coverage_pct"]):
        return None
    return f"{float(now) - float(then['coverage_pct']):+.1f} points since {day_text(deadline)}"


def status_words(frame: pd.DataFrame) -> pd.DataFrame:
    words = frame["status"].map(labels.STATUS_WORDS)
    return frame.assign(status=words.fillna(frame["status"]))


def rag_badge(rag: str | None, rule: str | None = None) -> None:
    """On-track status in words (a metric) with its Okabe-Ito colour as a chip beneath."""
    word = labels.RAG_WORDS.get(rag or "", "Not known yet")
    st.metric("Status", word, help=rule or "Needs a few weeks of completions to judge.")
    colour = RAG_COLOURS.get(rag or "", OKABE_ITO["grey"])
    st.html(f'<div style="height:6px;border-radius:3px;background:{colour}" '
            f'title="{word}"></div>')
